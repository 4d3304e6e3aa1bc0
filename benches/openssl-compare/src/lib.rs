//! Empty: the comparison lives in `benches/compare.rs` (`cargo bench -p kyso-bench`).
