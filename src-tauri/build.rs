// App commands are declared here so that Tauri generates `allow-…` permissions for them:
// without this list, any page in any window could call every command.
const COMMANDS: &[&str] = &[
    "app_info",
    "settings_save",
    "events_list",
    "event_load_sample",
    "event_import_text",
    "event_show",
    "sessions_list",
    "session_view",
    "subgroup_add",
    "subgroup_rename",
    "proposal_add",
    "proposal_edit",
    "proposal_set_deleted",
    "theme_view",
    "search",
    "duplicates_suggest",
    "synthesis_merge",
    "synthesis_edit",
    "synthesis_set_deleted",
    "synthesis_reorder",
    "panel_view",
    "panel_mark",
    "panel_comment",
    "sync_status",
    "sync_configure",
    "sync_now",
    "presence",
    "hub_start",
    "hub_stop",
    "hub_info",
    "export_write",
    "sync_details",
    "device_access",
    "event_remove",
    "organisation_view",
    "invitation_create",
    "invitation_create_all",
    "invitation_revoke",
    "invitation_sheet",
    "invitation_preview",
    "join_invitation",
    "pending_link",
];

fn main() {
    println!("cargo:rerun-if-changed=../ui/dist");
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("failed to run the Tauri build script");
}
