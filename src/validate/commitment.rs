//! The commitment a signer states in a signature (ETSI EN 319 122-1 section 5.2.3, ETSI TS
//! 119 172-1 annex B): part of what a report says of a signer, so it lives with the reports.

use der::asn1::ObjectIdentifier as Oid;

/// The commitment a signer makes (ETSI EN 319 122-1 section 5.2.3, commitment types of
/// ETSI TS 119 172-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommitmentType {
    /// The signer created and approves the content (the author of a document).
    ProofOfOrigin,
    /// The signer received the content.
    ProofOfReceipt,
    /// A delivery service delivered the content.
    ProofOfDelivery,
    /// The signer sent the content.
    ProofOfSender,
    /// The signer approves the content (for example a head of office countersigning).
    ProofOfApproval,
    /// The signer created the content, without necessarily approving it.
    ProofOfCreation,
}

impl CommitmentType {
    const ALL: [CommitmentType; 6] = [
        CommitmentType::ProofOfOrigin,
        CommitmentType::ProofOfReceipt,
        CommitmentType::ProofOfDelivery,
        CommitmentType::ProofOfSender,
        CommitmentType::ProofOfApproval,
        CommitmentType::ProofOfCreation,
    ];

    /// The commitment type's object identifier (id-cti-ets-proofOf*).
    pub fn oid(self) -> Oid {
        match self {
            CommitmentType::ProofOfOrigin => Oid::new_unwrap("1.2.840.113549.1.9.16.6.1"),
            CommitmentType::ProofOfReceipt => Oid::new_unwrap("1.2.840.113549.1.9.16.6.2"),
            CommitmentType::ProofOfDelivery => Oid::new_unwrap("1.2.840.113549.1.9.16.6.3"),
            CommitmentType::ProofOfSender => Oid::new_unwrap("1.2.840.113549.1.9.16.6.4"),
            CommitmentType::ProofOfApproval => Oid::new_unwrap("1.2.840.113549.1.9.16.6.5"),
            CommitmentType::ProofOfCreation => Oid::new_unwrap("1.2.840.113549.1.9.16.6.6"),
        }
    }

    /// The commitment type `oid` names, if kyso knows it.
    pub(crate) fn from_oid(oid: &Oid) -> Option<Self> {
        CommitmentType::ALL.into_iter().find(|c| c.oid() == *oid)
    }
}

/// Serialised as its `Display` text (`proof of origin`).
impl serde::Serialize for CommitmentType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl core::fmt::Display for CommitmentType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            CommitmentType::ProofOfOrigin => "proof of origin",
            CommitmentType::ProofOfReceipt => "proof of receipt",
            CommitmentType::ProofOfDelivery => "proof of delivery",
            CommitmentType::ProofOfSender => "proof of sender",
            CommitmentType::ProofOfApproval => "proof of approval",
            CommitmentType::ProofOfCreation => "proof of creation",
        })
    }
}
