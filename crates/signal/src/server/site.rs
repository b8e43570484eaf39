//! Static files served beside the signal endpoint: `GET` of a file's path
//! answers it, with headers that keep the page to itself (its own scripts
//! only, no framing, no referrer). `cohort signal` serves the playground
//! this way; the files are compiled into the binary.

use std::borrow::Cow;

/// One file of a [`Site`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asset {
    /// Its path, from the root (`/`, `/app.js`).
    pub path: Cow<'static, str>,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: Cow<'static, [u8]>,
}

impl Asset {
    /// A file compiled into the binary.
    pub const fn embedded(path: &'static str, content_type: &'static str, body: &'static [u8]) -> Asset {
        Asset { path: Cow::Borrowed(path), content_type, body: Cow::Borrowed(body) }
    }
}

/// Static files, looked up by path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Site {
    files: Vec<Asset>,
}

/// The policy of every page served: scripts, styles and connections of the
/// site's own origin, images also as `data:` URLs, no plugins, no framing
/// (an invite page in another site's frame could be clickjacked), no forms
/// sent anywhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

impl Site {
    /// A site of these files; a later file of the same path replaces an earlier one.
    pub fn new(files: impl IntoIterator<Item = Asset>) -> Site {
        let mut site = Site::default();
        for file in files {
            site.files.retain(|f| f.path != file.path);
            site.files.push(file);
        }
        site
    }

    /// The file at `path` (a request target's path, without its query).
    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The paths served.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|f| f.path.as_ref())
    }
}

/// The HTTP/1.1 response carrying `asset` (headers and body).
pub(super) fn response(asset: &Asset) -> Vec<u8> {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\n\
         X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n\
         Content-Security-Policy: {CONTENT_SECURITY_POLICY}\r\nConnection: close\r\n\r\n",
        asset.content_type,
        asset.body.len()
    );
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&asset.body);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_file_replaces_an_earlier_one_of_the_same_path() {
        let site = Site::new([Asset::embedded("/", "text/html", b"old"), Asset::embedded("/", "text/html", b"new")]);
        assert_eq!(site.get("/").map(|f| f.body.as_ref()), Some(&b"new"[..]));
        assert_eq!(site.paths().count(), 1);
        assert!(site.get("/missing").is_none());
    }

    #[test]
    fn a_response_has_its_length_and_policy() {
        let text = String::from_utf8(response(&Asset::embedded("/a.js", "text/javascript", b"let a;"))).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(text.contains("Content-Type: text/javascript\r\n"));
        assert!(text.contains("Content-Length: 6\r\n"));
        assert!(text.contains("frame-ancestors 'none'"));
        assert!(text.ends_with("\r\n\r\nlet a;"));
    }
}
