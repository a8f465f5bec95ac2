//! Wildcard values: `*` matches any run of characters, including none.
//!
//! A value such as `AccessDenied*`, `*UnauthorizedOperation` or `*.html*` is
//! split on `*` into literal segments. The first segment must be a prefix of
//! the text (unless the value starts with `*`), the last a suffix (unless it
//! ends with `*`), and the segments in between are found left to right at
//! their first occurrence. Taking the first occurrence is always safe for
//! `*`-only globs, so the match is linear in the text for each segment and
//! never backtracks.
//!
//! A value without `*` is an exact, case-sensitive comparison. There is no
//! escape for a literal `*`: the language has none.

/// A compiled wildcard value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    kind: Kind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// No `*`: exact equality.
    Exact(String),
    /// `*` alone (or only stars): any text, the empty text included.
    Any,
    /// At least one `*` and some literal text.
    Segments {
        /// Text before the first `*` (may be empty).
        prefix: String,
        /// Literal runs between stars, non-empty, in order.
        middle: Vec<String>,
        /// Text after the last `*` (may be empty).
        suffix: String,
    },
}

impl Glob {
    /// Compile `value`, in which every `*` is a wildcard.
    pub fn new(value: &str) -> Glob {
        if !value.contains('*') {
            return Glob {
                kind: Kind::Exact(value.to_owned()),
            };
        }
        let mut parts: Vec<&str> = value.split('*').collect();
        // `split` on a text containing `*` yields at least two parts.
        let suffix = parts.pop().unwrap_or_default().to_owned();
        let prefix = if parts.is_empty() {
            String::new()
        } else {
            parts.remove(0).to_owned()
        };
        let middle: Vec<String> = parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        if prefix.is_empty() && suffix.is_empty() && middle.is_empty() {
            return Glob { kind: Kind::Any };
        }
        Glob {
            kind: Kind::Segments {
                prefix,
                middle,
                suffix,
            },
        }
    }

    /// Whether the glob matches the whole of `text`.
    pub fn is_match(&self, text: &str) -> bool {
        match &self.kind {
            Kind::Exact(s) => s == text,
            Kind::Any => true,
            Kind::Segments {
                prefix,
                middle,
                suffix,
            } => {
                if text.len() < prefix.len() + suffix.len() {
                    return false;
                }
                let Some(rest) = text.strip_prefix(prefix.as_str()) else {
                    return false;
                };
                let Some(mut rest) = rest.strip_suffix(suffix.as_str()) else {
                    return false;
                };
                for seg in middle {
                    match rest.find(seg.as_str()) {
                        Some(at) => rest = rest.get(at + seg.len()..).unwrap_or_default(),
                        None => return false,
                    }
                }
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exact_and_any() {
        assert!(Glob::new("ConsoleLogin").is_match("ConsoleLogin"));
        assert!(!Glob::new("ConsoleLogin").is_match("consolelogin"));
        assert!(!Glob::new("ConsoleLogin").is_match("ConsoleLogin2"));
        assert!(Glob::new("*").is_match(""));
        assert!(Glob::new("**").is_match("anything"));
        assert!(Glob::new("").is_match(""));
        assert!(!Glob::new("").is_match("x"));
    }

    #[test]
    fn leading_trailing_and_middle_stars() {
        let g = Glob::new("*UnauthorizedOperation");
        assert!(g.is_match("Client.UnauthorizedOperation"));
        assert!(g.is_match("UnauthorizedOperation"));
        assert!(!g.is_match("UnauthorizedOperationX"));
        let g = Glob::new("AccessDenied*");
        assert!(g.is_match("AccessDenied"));
        assert!(g.is_match("AccessDeniedException"));
        assert!(!g.is_match("XAccessDenied"));
        let g = Glob::new("*.html*");
        assert!(g.is_match("GET /index.html HTTP/1.1"));
        assert!(!g.is_match("GET /index.htm"));
        // Standard glob semantics: the 2019 service did not match this one.
        assert!(Glob::new("*111.111.111").is_match("111.111.111.111"));
        assert!(Glob::new("1*3").is_match("123"));
        assert!(Glob::new("1*4").is_match("12.34"));
        assert!(!Glob::new("111*111").is_match("111.111.111.112"));
        // Overlapping prefix and suffix must not share characters.
        assert!(!Glob::new("ab*ba").is_match("aba"));
        assert!(Glob::new("ab*ba").is_match("abba"));
        assert!(Glob::new("a*a*a").is_match("aaa"));
        assert!(!Glob::new("a*a*a").is_match("aa"));
    }

    #[test]
    fn multibyte_text() {
        assert!(Glob::new("é*ü").is_match("éaü"));
        assert!(Glob::new("*ü").is_match("üüü"));
        assert!(!Glob::new("é*").is_match("e"));
    }

    /// The oracle: the glob translated into an anchored regex.
    fn oracle(glob: &str, text: &str) -> bool {
        let body: Vec<String> = glob.split('*').map(regex::escape).collect();
        let re = regex::Regex::new(&format!("^(?s:{})$", body.join(".*"))).unwrap();
        re.is_match(text)
    }

    proptest! {
        #[test]
        fn agrees_with_a_regex_oracle(glob in "[ab*.é]{0,8}", text in "[ab.é]{0,12}") {
            prop_assert_eq!(Glob::new(&glob).is_match(&text), oracle(&glob, &text));
        }

        #[test]
        fn a_glob_matches_its_own_expansions(
            parts in proptest::collection::vec("[abc]{0,3}", 1..5),
            fills in proptest::collection::vec("[abc*]{0,3}", 4),
        ) {
            let glob = parts.join("*");
            let mut text = String::new();
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    text.push_str(&fills[i - 1].replace('*', "x"));
                }
                text.push_str(p);
            }
            prop_assert!(Glob::new(&glob).is_match(&text));
            prop_assert_eq!(Glob::new(&glob).is_match(&text), oracle(&glob, &text));
        }
    }
}
