//! The packaging files agree with each other and with what they point at, so a package built on
//! a machine that cannot run it (a Windows or macOS runner, a release tag) is not the first to
//! find a missing icon or a file type that no launcher claims.

use crate::support::repo_root;
use std::path::Path;

const WORKSPACE_MIME: &str = "application/x-vmi-map-workspace";

fn read(relative: &str) -> String {
    std::fs::read_to_string(repo_root().join(relative)).unwrap()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    (info.width, info.height)
}

#[test]
fn every_file_the_deb_and_the_bundle_install_exists() {
    let manifest = read("app/Cargo.toml");
    let app_dir = repo_root().join("app");
    let mut sources = 0;
    for line in manifest.lines() {
        let line = line.trim();
        // Asset rows (`["../x", "usr/...", "644"]`) and bundle icon rows (`"../x.png",`).
        let Some(rest) = line.strip_prefix("[\"../").or_else(|| line.strip_prefix("\"../")) else { continue };
        let Some(end) = rest.find('"') else { continue };
        let source = app_dir.join("..").join(&rest[..end]);
        assert!(source.is_file(), "app/Cargo.toml names {} but it does not exist", source.display());
        sources += 1;
    }
    assert!(sources >= 14, "expected the deb's assets and the bundle's icons, found {sources} paths");
    assert!(manifest.contains("[\"target/release/vmi-map\", \"usr/bin/\", \"755\"]"), "the deb installs the binary");
    assert!(manifest.contains("osx_info_plist_exts = [\"../packaging/macos/document-types.plist\"]"));
}

#[test]
fn every_hicolor_icon_is_the_size_its_folder_says() {
    let icons = repo_root().join("assets/icons/hicolor");
    let mut sizes = Vec::new();
    for entry in std::fs::read_dir(&icons).unwrap() {
        let folder = entry.unwrap().file_name().into_string().unwrap();
        let (width, height) = folder.split_once('x').unwrap();
        let expected = (width.parse::<u32>().unwrap(), height.parse::<u32>().unwrap());
        let png = icons.join(&folder).join("apps/vmi-map.png");
        assert_eq!(png_size(&png), expected, "{}", png.display());
        sizes.push(expected.0);
    }
    sizes.sort_unstable();
    assert_eq!(sizes, [16, 24, 32, 48, 64, 128, 256, 512], "the standard hicolor sizes");
    // The window icon (main.rs) must fit one X11 request: 128 px, not 256.
    let main = read("app/src/main.rs");
    assert!(main.contains("hicolor/128x128/apps/vmi-map.png"), "main.rs embeds the 128 px icon");
}

#[test]
fn the_desktop_entry_opens_exports_and_workspaces_and_the_mime_type_claims_vmimap() {
    let desktop = read("packaging/linux/vmi-map.desktop");
    let value = |key: &str| {
        desktop.lines().find_map(|line| line.strip_prefix(key).and_then(|rest| rest.strip_prefix('='))).unwrap()
    };
    assert_eq!(value("Exec"), "vmi-map %F", "several files at once, as paths");
    assert_eq!(value("Icon"), "vmi-map");
    assert_eq!(value("StartupWMClass"), "vmi-map", "the window's app id (main.rs with_app_id)");
    let mime_types: Vec<&str> = value("MimeType").split(';').filter(|t| !t.is_empty()).collect();
    for wanted in [WORKSPACE_MIME, "text/csv", "application/json"] {
        assert!(mime_types.contains(&wanted), "MimeType lacks {wanted}: {mime_types:?}");
    }

    let mime_xml = read("packaging/linux/vmi-map.xml");
    let document = roxmltree::Document::parse(&mime_xml).unwrap();
    let mime_type = document.descendants().find(|n| n.has_tag_name("mime-type")).unwrap();
    assert_eq!(mime_type.attribute("type"), Some(WORKSPACE_MIME));
    let glob = mime_type.children().find(|n| n.has_tag_name("glob")).unwrap();
    assert_eq!(glob.attribute("pattern"), Some("*.vmimap"));

    let main = read("app/src/main.rs");
    assert!(main.contains(".with_app_id(\"vmi-map\")"), "the window's app id matches StartupWMClass");
}

#[test]
fn the_macos_document_types_are_a_plist_fragment_claiming_vmimap() {
    let fragment = read("packaging/macos/document-types.plist");
    // cargo-bundle pastes the fragment inside Info.plist's top <dict>: keys and values only.
    assert!(!fragment.contains("<plist") && !fragment.contains("<?xml"), "a fragment, not a whole plist");
    let wrapped = format!("<plist version=\"1.0\"><dict>{fragment}</dict></plist>");
    let document = roxmltree::Document::parse(&wrapped).unwrap();
    let strings: Vec<&str> =
        document.descendants().filter(|n| n.has_tag_name("string")).filter_map(|n| n.text()).collect();
    for wanted in ["vmimap", "csv", "json", WORKSPACE_MIME, "io.github.vmi-map.workspace"] {
        assert!(strings.contains(&wanted), "document-types.plist lacks {wanted}");
    }
    let keys: Vec<&str> = document.descendants().filter(|n| n.has_tag_name("key")).filter_map(|n| n.text()).collect();
    assert!(keys.contains(&"CFBundleDocumentTypes") && keys.contains(&"UTExportedTypeDeclarations"));
}
