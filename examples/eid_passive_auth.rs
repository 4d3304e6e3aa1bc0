//! Passive authentication of chip data (ICAO 9303): checks the bundled synthetic CCCD-like
//! card (EF.SOD, DG1, DG2, DG13 in test-vectors/eid/) against the test CSCA and prints who
//! the card names, from DG1 (the MRZ) and DG13 (the national personal data).
//!
//! ```text
//! cargo run --example eid_passive_auth [-- SOD CSCA_PEM DG_NUMBER=FILE...]
//! ```

use std::process::ExitCode;

use kyso::eid::{DataGroupStatus, Dg13, Mrz, PassiveAuth, Sod};
use kyso::{Time, TrustStore};

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("eid_passive_auth: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let v = |f: &str| format!("{}/test-vectors/eid/{f}", env!("CARGO_MANIFEST_DIR"));
    let (sod_path, csca_path, groups): (String, String, Vec<(u8, String)>) = if args.is_empty() {
        (
            v("cccd-brainpool.sod"),
            v("csca-vn.pem"),
            vec![
                (1, v("cccd-dg1.bin")),
                (2, v("cccd-dg2.bin")),
                (13, v("cccd-dg13.bin")),
            ],
        )
    } else {
        let mut groups = Vec::new();
        for a in args.iter().skip(2) {
            let (n, f) = a
                .split_once('=')
                .ok_or("data groups are given as NUMBER=FILE")?;
            groups.push((n.parse()?, f.to_owned()));
        }
        (
            args.first().cloned().unwrap_or_default(),
            args.get(1).cloned().ok_or("CSCA file missing")?,
            groups,
        )
    };
    let sod = Sod::parse(&std::fs::read(&sod_path)?)?;
    let cscas = TrustStore::from_pem(&std::fs::read(&csca_path)?)?;
    let data: Vec<(u8, Vec<u8>)> = groups
        .iter()
        .map(|(n, f)| Ok((*n, std::fs::read(f)?)))
        .collect::<Result<_, std::io::Error>>()?;
    let refs: Vec<(u8, &[u8])> = data.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let report = PassiveAuth::new(
        &kyso::TrustContext::new(&cscas, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .verify(&sod, &refs);

    println!("passive authentication: {:?}", report.verdict);
    for g in &report.data_groups {
        let mark = match g.status {
            DataGroupStatus::Matched => "ok  ",
            DataGroupStatus::NotSupplied => "skip",
            _ => "FAIL",
        };
        println!("  [{mark}] DG{}: {:?}", g.number, g.status);
    }
    if let Some(ds) = &report.document_signer {
        println!("  document signer: {}", ds.subject());
    }
    if let Some(csca) = &report.csca {
        println!("  CSCA:            {}", csca.subject());
    }
    if let Some(a) = report.signature.signature_algorithm {
        println!("  algorithm:       {a}");
    }
    for w in &report.warnings {
        println!("  warning: {w}");
    }
    if !report.is_passed() {
        for c in &report.signature.checks {
            println!("  {:?} {}: {}", c.outcome, c.kind.name(), c.detail);
        }
        return Ok(false);
    }
    if let Some((_, dg1)) = data.iter().find(|(n, _)| *n == 1) {
        let mrz = Mrz::from_dg1(dg1)?;
        println!(
            "MRZ ({:?}): {} {}, document {}, born {}, sex {}, expires {}",
            mrz.format,
            mrz.primary_identifier,
            mrz.secondary_identifier,
            mrz.document_number,
            mrz.date_of_birth,
            mrz.sex,
            mrz.date_of_expiry
        );
    }
    if let Some((_, dg13)) = data.iter().find(|(n, _)| *n == 13) {
        let d = Dg13::parse(dg13)?;
        let show = |label: &str, v: &Option<String>| {
            if let Some(v) = v {
                println!("  {label:<20} {v}");
            }
        };
        println!("DG13:");
        show("Số định danh:", &d.id_number);
        show("Họ và tên:", &d.full_name);
        show("Ngày sinh:", &d.date_of_birth);
        show("Giới tính:", &d.sex);
        show("Quốc tịch:", &d.nationality);
        show("Dân tộc:", &d.ethnicity);
        show("Quê quán:", &d.place_of_origin);
        show("Nơi thường trú:", &d.place_of_residence);
        show("Ngày cấp:", &d.issue_date);
        show("Có giá trị đến:", &d.expiry_date);
        show("Họ tên cha:", &d.father_name);
        show("Họ tên mẹ:", &d.mother_name);
    }
    Ok(true)
}
