//! Open-data files to restore: reading the JSON and building the snapshot never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use recolte_export::data::{ConsolidatedRow, EventFile, LineageRow, OpenData, ProposalRow, SubgroupRow};

fuzz_target!(|data: &[u8]| {
    let Ok(event) = serde_json::from_slice::<EventFile>(data) else {
        let _ = serde_json::from_slice::<Vec<SubgroupRow>>(data);
        let _ = serde_json::from_slice::<Vec<ProposalRow>>(data);
        let _ = serde_json::from_slice::<Vec<ConsolidatedRow>>(data);
        let _ = serde_json::from_slice::<Vec<LineageRow>>(data);
        return;
    };
    let open = OpenData { event, subgroups: Vec::new(), proposals: Vec::new(), consolidated: Vec::new(), lineage: Vec::new(), comments: Vec::new(), missing: Vec::new() };
    let _ = open.snapshot();
});
