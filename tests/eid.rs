//! Passive authentication of the synthetic chip data of test-vectors/eid/ (EF.SOD files
//! signed by `openssl cms`), every row of its expected.tsv; and the DG1 and DG13 fields of
//! the CCCD-like card, in Vietnamese.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::read;
use kyso::eid::{
    DataGroupStatus, Dg13, Mrz, MrzFormat, PassiveAuth, PassiveAuthVerdict, Sod,
    master_list_certificates,
};
use kyso::{Certificate, Time, TrustStore};

fn certs(list: &str) -> Vec<Certificate> {
    if list == "-" {
        return Vec::new();
    }
    list.split(',')
        .flat_map(|f| Certificate::from_file(common::vector_path(&format!("eid/{f}"))).unwrap())
        .collect()
}

#[test]
fn expected_verdicts() {
    let table = String::from_utf8(read("eid/expected.tsv")).unwrap();
    let mut rows = 0;
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (sod_file, dgs, cscas, extra, expected) = (f[0], f[1], f[2], f[3], f[4]);
        let sod = Sod::parse(&read(&format!("eid/{sod_file}"))).unwrap();
        let groups: Vec<(u8, Vec<u8>)> = dgs
            .split(',')
            .map(|g| {
                let n: u8 = g
                    .split("dg")
                    .last()
                    .unwrap()
                    .split(['.', '-'])
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                (n, read(&format!("eid/{g}")))
            })
            .collect();
        let refs: Vec<(u8, &[u8])> = groups.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let anchors = TrustStore::from_certificates(certs(cscas));
        let report = PassiveAuth::new(&anchors, Time::now())
            .with_certificates(certs(extra))
            .verify(&sod, &refs);
        let want = match expected {
            "Passed" => PassiveAuthVerdict::Passed,
            "Failed" => PassiveAuthVerdict::Failed,
            "Indeterminate" => PassiveAuthVerdict::Indeterminate,
            "Unsupported" => PassiveAuthVerdict::Unsupported,
            other => panic!("{other}"),
        };
        assert_eq!(
            report.verdict, want,
            "{line}\n{:?}\n{:?}",
            report.data_groups, report.signature.checks
        );
        if want == PassiveAuthVerdict::Passed {
            assert!(report.csca.is_some());
            assert!(report.document_signer.is_some());
            assert!(
                report
                    .data_groups
                    .iter()
                    .all(|g| g.status == DataGroupStatus::Matched)
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 10);
}

#[test]
fn data_group_statuses() {
    let sod = Sod::parse(&read("eid/cccd-no-dg13.sod")).unwrap();
    assert_eq!(sod.data_group_hashes().len(), 2);
    let anchors = TrustStore::from_certificates(certs("csca-vn.pem"));
    let dg1 = read("eid/cccd-dg1.bin");
    let dg13 = read("eid/cccd-dg13.bin");
    let report = PassiveAuth::new(&anchors, Time::now()).verify(&sod, &[(1, &dg1), (13, &dg13)]);
    let status = |n: u8| {
        report
            .data_groups
            .iter()
            .find(|g| g.number == n)
            .unwrap()
            .status
    };
    assert_eq!(status(1), DataGroupStatus::Matched);
    assert_eq!(status(2), DataGroupStatus::NotSupplied);
    assert_eq!(status(13), DataGroupStatus::NotListed);
    assert_eq!(report.verdict, PassiveAuthVerdict::Failed);
    // Version 1 carries the LDS version.
    let v1 = Sod::parse(&read("eid/passport-p256.sod")).unwrap();
    assert_eq!(v1.version(), 1);
    assert_eq!(v1.lds_version(), Some(("0108", "040000")));
}

#[test]
fn cccd_fields_in_vietnamese() {
    let mrz = Mrz::from_dg1(&read("eid/cccd-dg1.bin")).unwrap();
    assert_eq!(mrz.format, MrzFormat::Td1);
    assert_eq!(mrz.document_code, "ID");
    assert_eq!(mrz.issuing_state, "VNM");
    assert_eq!(mrz.document_number, "099012345");
    assert_eq!(mrz.optional_data, "001099012345");
    assert_eq!(mrz.primary_identifier, "NGUYEN");
    assert_eq!(mrz.secondary_identifier, "THI HONG NHUNG");
    assert_eq!(mrz.date_of_birth, "990815");
    assert_eq!(mrz.sex, 'F');
    let passport = Mrz::from_dg1(&read("eid/passport-dg1.bin")).unwrap();
    assert_eq!(passport.format, MrzFormat::Td3);
    assert_eq!(passport.document_number, "C1234567");
    assert_eq!(passport.secondary_identifier, "MINH DUC");

    let dg13 = Dg13::parse(&read("eid/cccd-dg13.bin")).unwrap();
    assert_eq!(dg13.id_number.as_deref(), Some("001099012345"));
    assert_eq!(dg13.full_name.as_deref(), Some("Nguyễn Thị Hồng Nhung"));
    assert_eq!(dg13.sex.as_deref(), Some("Nữ"));
    assert_eq!(dg13.nationality.as_deref(), Some("Việt Nam"));
    assert_eq!(dg13.ethnicity.as_deref(), Some("Kinh"));
    assert_eq!(
        dg13.place_of_residence.as_deref(),
        Some("Số 12 Hàng Bạc, Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội")
    );
    assert_eq!(dg13.father_name.as_deref(), Some("Nguyễn Văn Bình"));
    assert_eq!(dg13.mother_name.as_deref(), Some("Trần Thị Lan"));
    assert_eq!(dg13.old_id_number.as_deref(), Some("012345678"));
    assert_eq!(dg13.expiry_date.as_deref(), Some("15/08/2039"));
    assert_eq!(dg13.other.len(), 1);
    assert_eq!(dg13.other[0].number, 20);
}

#[test]
fn bad_input_is_refused() {
    assert!(Sod::parse(&read("eid/cccd-truncated.sod")).is_err());
    let good = read("eid/cccd-brainpool.sod");
    for len in (0..good.len()).step_by(7) {
        assert!(Sod::parse(&good[..len]).is_err());
    }
    // A CMS signature over a document is not an SOD.
    assert!(Sod::parse(&read("cms/openssl-rsa2048-attached.p7m")).is_err());
    assert!(master_list_certificates(&good).is_err());
    assert!(Mrz::from_dg1(&read("eid/cccd-dg13.bin")).is_err());
    assert!(Dg13::parse(&read("eid/cccd-dg1.bin")).is_err());
}
