//! The media type an object's name suggests, which the official OSS SDK V2 sends as an
//! upload's `Content-Type` when the caller gives none (its `FF_AUTO_DETECT_MIME_TYPE`,
//! on by default, for PutObject, AppendObject and InitiateMultipartUpload).
//!
//! The official SDKs look the extension up in their platform's table (Python's `mimetypes`,
//! Go's `mime`, both reading the system's `mime.types` where there is one) after or before a
//! table of their own for Office and Android formats; a name whose extension none knows goes as
//! `application/octet-stream`. The runtime takes `mime_guess`'s table, built from the same
//! `mime.types` lineage, so that the guess is the same on every machine, and the official
//! SDKs' own entries before it. The extension is what follows the name's last `.` (as Go's
//! `path.Ext` reads it): `a.tar.gz` is `application/gzip`, where Python's `mimetypes` strips a
//! compression suffix first.

/// Sent when the name suggests nothing.
pub const DEFAULT: &str = "application/octet-stream";

/// The official Python SDK's own entries (`utils._EXTRA_TYPES_MAP`), which win over the
/// platform's table (lower case).
const OFFICIAL_SDK_TYPES: [(&str, &str); 12] = [
    ("apk", "application/vnd.android.package-archive"),
    ("js", "application/javascript"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "dotx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
    ),
    (
        "potx",
        "application/vnd.openxmlformats-officedocument.presentationml.template",
    ),
    (
        "ppsx",
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        "sldx",
        "application/vnd.openxmlformats-officedocument.presentationml.slide",
    ),
    ("xlam", "application/vnd.ms-excel.addin.macroEnabled.12"),
    (
        "xlsb",
        "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "xltx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template",
    ),
];

/// The media type of an object named `name` (a key: `/` separates its segments), or
/// [`DEFAULT`].
pub fn of_name(name: &str) -> &'static str {
    let last_segment = name.rsplit('/').next().unwrap_or(name);
    let Some((stem, extension)) = last_segment.rsplit_once('.') else {
        return DEFAULT;
    };
    // A leading dot makes a hidden file's name (`.profile`), not an extension.
    if stem.is_empty() || extension.is_empty() {
        return DEFAULT;
    }
    let extension = extension.to_ascii_lowercase();
    OFFICIAL_SDK_TYPES
        .iter()
        .find(|(known, _)| *known == extension)
        .map(|(_, media_type)| *media_type)
        .or_else(|| mime_guess::from_ext(&extension).first_raw())
        .unwrap_or(DEFAULT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_of_the_last_segment_names_the_type() {
        assert_eq!(of_name("dir/a b+c*~中文.txt"), "text/plain");
        assert_eq!(of_name("photos/2024/IMG_1.JPG"), "image/jpeg");
        assert_eq!(of_name("page.html"), "text/html");
        assert_eq!(of_name("data.json"), "application/json");
        assert_eq!(
            of_name("report.XLSX"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(of_name("app.js"), "application/javascript");
    }

    #[test]
    fn a_name_without_a_known_extension_is_octet_stream() {
        for name in [
            "big.bin",
            "no-extension",
            "dir.d/file",
            ".profile",
            "trailing.",
            "x.qqqzz",
        ] {
            assert_eq!(of_name(name), DEFAULT, "{name}");
        }
    }
}
