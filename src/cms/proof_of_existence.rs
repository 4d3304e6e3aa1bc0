//! Proof of existence from signature timestamps (ETSI EN 319 102-1 section 5.6.2.4, RFC
//! 3161 appendix A): each id-aa-signatureTimeStampToken over a signer's signature value is
//! verified as a timestamp token, and the earliest that verifies and may be relied on
//! proves the signature existed by its genTime (plus the stated accuracy).

use der::Encode;

use crate::budget::Budget;
use crate::cert::Certificate;
use crate::cms::attributes::{CONTENT_TIME_STAMP, SIGNATURE_TIME_STAMP};
use crate::cms::signer_check::{Inputs, SignerRun};
use crate::cms::timestamp_token::{TimeStampInfo, TimeStampToken, TsaContext};
use crate::cms::verify::Document;
use crate::digest::{DigestAlgorithm, digest};
use crate::error::{Error, Object};
use crate::limits::MAX_SIGNATURE_TIMESTAMPS;
use crate::revocation::{
    CrlStatus, OcspCheck, OcspStatus, RevocationPolicy, RevocationReason, RevocationSource,
};
use crate::time::Time;
use crate::validate::SubIndication;
use crate::validate::{CheckKind, Outcome, Warning};

/// Why a verified-or-not signature timestamp proves nothing.
enum Unusable {
    /// The token does not verify (signature, TSA path, imprint...).
    Token(Error),
    /// Its genTime is after the time revocation data is judged at.
    AfterJudgedTime { gen_time: Time, now: Time },
    /// Its imprint is a SHA-1 hash and the policy refuses SHA-1.
    Sha1Imprint,
    /// Revocation is checked and the TSA certificate's status is not known.
    TsaStatusUnknown,
    /// Current data shows the TSA certificate revoked for a key compromise (RFC 3161
    /// section 4: every token the key made is then untrusted).
    TsaCompromised { subject: String },
}

impl core::fmt::Display for Unusable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Unusable::Token(e) => e.fmt(f),
            Unusable::AfterJudgedTime { gen_time, now } => {
                write!(f, "genTime {gen_time} is after {now}")
            }
            Unusable::Sha1Imprint => {
                f.write_str("the imprint is a SHA-1 hash, which the policy refuses")
            }
            Unusable::TsaStatusUnknown => {
                f.write_str("the TSA certificate's revocation status is unknown")
            }
            Unusable::TsaCompromised { subject } => write!(
                f,
                "the TSA certificate {subject} is revoked for a key compromise"
            ),
        }
    }
}

/// What the timestamps of one signer are judged with.
pub(crate) struct TimestampContext<'a> {
    /// The revocation policy of the signer's validation.
    pub revocation: RevocationPolicy,
    /// The caller's revocation data together with the signature's.
    pub sources: &'a dyn RevocationSource,
    /// The time revocation data is judged at.
    pub now: Time,
}

/// Verifies each signature timestamp (unsigned attribute id-aa-signatureTimeStampToken)
/// over this signer's signature value; returns the earliest time one of them proves. A
/// timestamp that does not verify is reported and not used as proof of existence (ETSI EN
/// 319 102-1 ignores it rather than failing the signature).
pub(crate) fn signature_timestamps(
    run: &mut SignerRun,
    inp: &Inputs<'_>,
    ctx: &TimestampContext<'_>,
) -> Option<Time> {
    let values: Vec<der::asn1::AnyRef<'_>> = inp
        .si
        .unsigned_attributes()
        .filter(|a| a.oid == SIGNATURE_TIME_STAMP)
        .flat_map(|a| a.values())
        .collect();
    let mut best: Option<Time> = None;
    for (i, value) in values.iter().enumerate() {
        if i >= MAX_SIGNATURE_TIMESTAMPS {
            run.warn(Warning::TimestampsNotAllChecked {
                checked: MAX_SIGNATURE_TIMESTAMPS,
            });
            break;
        }
        match verify_timestamp(inp, ctx, value)
            .and_then(|info| timestamp_proof(inp, &info, ctx).map(|poe| (info, poe)))
        {
            Ok((info, poe)) => {
                run.pass(
                    CheckKind::SignatureTimestamp,
                    format!(
                        "genTime {} by {}: the signature existed by {poe}",
                        info.gen_time,
                        info.tsa.subject()
                    ),
                );
                if let Some(r) = info.report.signers.first() {
                    run.report.evidence.extend(r.evidence.iter().cloned());
                    run.report.used_certificates.extend(r.chain.iter().cloned());
                }
                best = Some(best.map_or(poe, |b| b.min(poe)));
            }
            Err(e) => {
                run.report.check(
                    CheckKind::SignatureTimestamp,
                    Outcome::Failed,
                    format!("not used as proof of existence: {e}"),
                );
                run.warn(Warning::TimestampUnusable {
                    reason: e.to_string(),
                });
            }
        }
    }
    best
}

/// Verifies each content timestamp (signed attribute id-aa-ets-contentTimestamp, ETSI EN
/// 319 122-1 section 5.2.8) over the document, and records the earliest time one proves
/// the document existed by. A token whose imprint is not the document's is a hash failure:
/// the signer signed a false statement about the content. A token that cannot be relied on
/// otherwise (an untrusted TSA) is reported and set aside, as signature timestamps are.
pub(crate) fn content_timestamps(
    run: &mut SignerRun,
    inp: &Inputs<'_>,
    ctx: &TimestampContext<'_>,
) {
    let values: Vec<der::asn1::AnyRef<'_>> = inp
        .si
        .signed_attributes()
        .filter(|a| a.oid == CONTENT_TIME_STAMP)
        .flat_map(|a| a.values())
        .collect();
    for (i, value) in values.iter().enumerate() {
        if i >= MAX_SIGNATURE_TIMESTAMPS {
            run.warn(Warning::TimestampsNotAllChecked {
                checked: MAX_SIGNATURE_TIMESTAMPS,
            });
            break;
        }
        let token = match value
            .to_der()
            .map_err(|_| Error::invalid_der(Object::TimeStamp))
            .and_then(|d| TimeStampToken::from_der(&d))
        {
            Ok(t) => t,
            Err(e) => {
                run.report
                    .check(CheckKind::ContentTimestamp, Outcome::Failed, e.to_string());
                run.warn(Warning::TimestampUnusable {
                    reason: format!("a content timestamp: {e}"),
                });
                continue;
            }
        };
        let imprint = token
            .imprint_algorithm()
            .ok()
            .and_then(|alg| match inp.doc {
                Document::Bytes(bytes, list) => Some(
                    list.iter()
                        .find(|d| d.algorithm() == alg)
                        .cloned()
                        .unwrap_or_else(|| extra_digest(inp, alg, bytes)),
                ),
                Document::Digests(list) => list.iter().find(|d| d.algorithm() == alg).cloned(),
                Document::Missing => None,
            });
        let Some(imprint) = imprint else {
            run.skip(
                CheckKind::ContentTimestamp,
                "the document is not at hand with the token's hash algorithm",
            );
            continue;
        };
        if !token.imprint_is(&imprint) {
            run.fail(
                CheckKind::ContentTimestamp,
                SubIndication::HashFailure,
                "the content timestamp the signer signed is over other content",
                None,
            );
            continue;
        }
        let v = inp.v;
        let context = TsaContext {
            budget: Some(inp.budget),
            extra_certificates: inp.pool,
            revocation: ctx.revocation,
            source: (ctx.revocation != RevocationPolicy::NoCheck).then_some(ctx.sources),
            now: Some(ctx.now),
            validate_at: None,
        };
        match token.verify_in(
            v.timestamp_anchors.unwrap_or(v.anchors),
            &imprint,
            None,
            &v.policy.algorithms,
            &context,
        ) {
            Ok(info) => {
                run.pass(
                    CheckKind::ContentTimestamp,
                    format!(
                        "the document existed by {} ({})",
                        info.gen_time,
                        info.tsa.subject()
                    ),
                );
                let t = info.gen_time;
                run.report.content_timestamp_time =
                    Some(run.report.content_timestamp_time.map_or(t, |b| b.min(t)));
            }
            Err(e) => {
                run.report.check(
                    CheckKind::ContentTimestamp,
                    Outcome::Failed,
                    format!("not relied on: {e}"),
                );
                run.warn(Warning::TimestampUnusable {
                    reason: format!("a content timestamp: {e}"),
                });
            }
        }
    }
}

/// The document's digest with `algorithm`, which none of the signers uses: computed once
/// for the whole call, whatever the number of signers and tokens asking for it.
fn extra_digest(
    inp: &Inputs<'_>,
    algorithm: DigestAlgorithm,
    bytes: &[u8],
) -> crate::digest::Digest {
    let known = inp
        .extra_digests
        .lock()
        .ok()
        .and_then(|list| list.iter().find(|d| d.algorithm() == algorithm).cloned());
    known.unwrap_or_else(|| {
        let d = digest(algorithm, bytes);
        if let Ok(mut list) = inp.extra_digests.lock() {
            list.push(d.clone());
        }
        d
    })
}

/// Verifies one timestamp token over the signer's signature value, with the TSA anchors,
/// the signature's certificates and the signer's revocation context.
fn verify_timestamp(
    inp: &Inputs<'_>,
    ctx: &TimestampContext<'_>,
    value: &der::asn1::AnyRef<'_>,
) -> Result<TimeStampInfo, Unusable> {
    let v = inp.v;
    let context = TsaContext {
        budget: Some(inp.budget),
        extra_certificates: inp.pool,
        revocation: ctx.revocation,
        source: (ctx.revocation != RevocationPolicy::NoCheck).then_some(ctx.sources),
        now: Some(ctx.now),
        validate_at: None,
    };
    value
        .to_der()
        .map_err(|_| Error::invalid_der(Object::TimeStamp))
        .and_then(|d| TimeStampToken::from_der(&d))
        .and_then(|token| {
            let imprint = digest(token.imprint_algorithm()?, inp.si.signature());
            token.verify_in(
                v.timestamp_anchors.unwrap_or(v.anchors),
                &imprint,
                None,
                &v.policy.algorithms,
                &context,
            )
        })
        .map_err(Unusable::Token)
}

/// The time a verified signature timestamp proves the signature existed by (genTime plus
/// the stated accuracy), or why it proves nothing (see [`Unusable`]).
fn timestamp_proof(
    inp: &Inputs<'_>,
    info: &TimeStampInfo,
    ctx: &TimestampContext<'_>,
) -> Result<Time, Unusable> {
    let now = ctx.now;
    if info.gen_time > now {
        return Err(Unusable::AfterJudgedTime {
            gen_time: info.gen_time,
            now,
        });
    }
    let policy = &inp.v.policy.algorithms;
    if info.imprint_algorithm == DigestAlgorithm::Sha1 && !policy.sha1_allowed() {
        return Err(Unusable::Sha1Imprint);
    }
    let accuracy = info.accuracy_micros.map_or(0, |m| m.div_ceil(1_000_000));
    let poe = Time::from_unix(
        info.gen_time
            .unix()
            .saturating_add(i64::try_from(accuracy).unwrap_or(i64::MAX)),
    );
    if ctx.revocation == RevocationPolicy::NoCheck {
        return Ok(poe);
    }
    let signer = info.report.signers.first();
    if signer.is_some_and(|r| {
        r.checks
            .iter()
            .any(|c| c.kind == CheckKind::Revocation && c.outcome != Outcome::Passed)
    }) {
        return Err(Unusable::TsaStatusUnknown);
    }
    // Key compromise of the TSA, reported by data current now.
    if let Some(chain) = signer.map(|r| &r.chain)
        && let (Some(tsa), Some(issuer)) = (chain.first(), chain.get(1))
        && tsa_compromised(tsa, issuer, ctx, policy, inp.budget)
    {
        return Err(Unusable::TsaCompromised {
            subject: tsa.subject().to_string(),
        });
    }
    Ok(poe)
}

/// Whether current revocation data shows `tsa` revoked for a (key, CA or AA) compromise,
/// or for no stated reason.
pub(crate) fn tsa_compromised(
    tsa: &Certificate,
    issuer: &Certificate,
    ctx: &TimestampContext<'_>,
    policy: &crate::key::AlgorithmPolicy,
    budget: &Budget,
) -> bool {
    let compromise = |reason: RevocationReason| {
        matches!(
            reason,
            RevocationReason::KeyCompromise
                | RevocationReason::CaCompromise
                | RevocationReason::AaCompromise
                | RevocationReason::Unspecified
        )
    };
    let now = ctx.now;
    let data = ctx.sources.lookup(tsa, issuer);
    let by_crl = data.crls.iter().any(|crl| {
        matches!(
            crl.status_between_in(tsa, issuer, now, now, policy, budget),
            Ok(CrlStatus::Revoked(e)) if compromise(e.reason)
        )
    });
    let by_ocsp = data.ocsp.iter().any(|r| {
        matches!(
            r.check_between_in(tsa, issuer, now, now, policy, &OcspCheck::default(), budget),
            Ok(a) if matches!(a.status, OcspStatus::Revoked { reason, .. } if compromise(reason))
        )
    });
    by_crl || by_ocsp
}
