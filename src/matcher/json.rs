//! A small, strict, zero-copy JSON reader for log events.
//!
//! Why not `serde_json::Value`: the matcher needs a number's text exactly as
//! written (`"123"` matches `123` but not `123.0`, §2.6 of the language
//! reference), and it needs only the few fields its patterns name. This reader
//! validates the whole event (RFC 8259: anything that is not JSON never
//! matches a JSON pattern) but builds values only for the paths a
//! [`Projection`] asks for, borrowing strings and number texts from the event.
//! Everything else is skipped without allocating.
//!
//! Limits: nesting deeper than [`MAX_DEPTH`] makes the event "not JSON".
//! Duplicate keys: the last one wins (as in most JSON readers).

use std::borrow::Cow;

/// The deepest nesting of arrays and objects accepted in an event.
pub const MAX_DEPTH: usize = 128;

/// A JSON value borrowed from an event.
#[derive(Clone, Debug, PartialEq)]
pub enum JVal<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written.
    Num(&'a str),
    /// A string, decoded.
    Str(Cow<'a, str>),
    /// An array (elements the projection does not need are [`JVal::Skipped`]).
    Arr(Vec<JVal<'a>>),
    /// An object, keys decoded, in order (only the fields the projection needs).
    Obj(Vec<(Cow<'a, str>, JVal<'a>)>),
    /// A value that is present but was not needed (an array element kept only
    /// to preserve the positions of the others).
    Skipped,
}

impl<'a> JVal<'a> {
    /// The value of `key` in an object (the last one if repeated).
    pub fn get(&self, key: &str) -> Option<&JVal<'a>> {
        match self {
            JVal::Obj(fields) => fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A short description for explanations: the JSON text of a scalar, or
    /// `an array` / `an object`.
    pub fn describe(&self) -> String {
        match self {
            JVal::Null => "null".to_owned(),
            JVal::Bool(b) => b.to_string(),
            JVal::Num(n) => (*n).to_owned(),
            JVal::Str(s) => serde_json::to_string(s.as_ref()).unwrap_or_default(),
            JVal::Arr(_) => "an array".to_owned(),
            JVal::Obj(_) => "an object".to_owned(),
            JVal::Skipped => "a value".to_owned(),
        }
    }
}

/// Which parts of an event to keep: a tree of the selector paths of a set of
/// patterns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Projection {
    root: PNode,
    wants_json: bool,
}

/// One selector step, as the projection sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    /// `.name` or `.['key']`
    Field(String),
    /// `[N]`
    Index(u32),
    /// `[*]`
    AnyIndex,
    /// `.*`
    AnyField,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct PNode {
    /// Keep this whole subtree.
    all: bool,
    /// A path ends here: keep a scalar; a container is kept only as far as
    /// children ask (an empty one otherwise, enough to know its type).
    leaf: bool,
    fields: Vec<(String, PNode)>,
    any_field: Option<Box<PNode>>,
    indexes: Vec<(u32, PNode)>,
    any_index: Option<Box<PNode>>,
}

impl Projection {
    /// A projection that keeps nothing and does not parse JSON at all.
    pub fn none() -> Projection {
        Projection::default()
    }

    /// A projection that keeps the whole event.
    #[cfg(test)]
    pub fn all() -> Projection {
        Projection {
            root: PNode {
                all: true,
                ..PNode::default()
            },
            wants_json: true,
        }
    }

    /// Whether events must be parsed as JSON at all.
    pub fn wants_json(&self) -> bool {
        self.wants_json
    }

    /// Ask for JSON parsing even with no path (a pattern that only needs to
    /// know whether the event is JSON).
    pub fn want_json(&mut self) {
        self.wants_json = true;
    }

    /// Keep the value at `path` (and, through wildcards, every value it can select).
    pub fn add(&mut self, path: &[PathStep]) {
        self.wants_json = true;
        let mut node = &mut self.root;
        for step in path {
            if node.all {
                return;
            }
            node = match step {
                PathStep::Field(name) => {
                    let pos = node.fields.iter().position(|(k, _)| k == name);
                    let pos = match pos {
                        Some(p) => p,
                        None => {
                            node.fields.push((name.clone(), PNode::default()));
                            node.fields.len() - 1
                        }
                    };
                    match node.fields.get_mut(pos) {
                        Some((_, n)) => n,
                        None => return,
                    }
                }
                PathStep::Index(i) => {
                    let pos = node.indexes.iter().position(|(k, _)| k == i);
                    let pos = match pos {
                        Some(p) => p,
                        None => {
                            node.indexes.push((*i, PNode::default()));
                            node.indexes.len() - 1
                        }
                    };
                    match node.indexes.get_mut(pos) {
                        Some((_, n)) => n,
                        None => return,
                    }
                }
                PathStep::AnyField => node.any_field.get_or_insert_with(Box::default),
                PathStep::AnyIndex => node.any_index.get_or_insert_with(Box::default),
            };
        }
        node.leaf = true;
        settle(&mut self.root);
    }

    /// Merge another projection into this one.
    pub fn merge(&mut self, other: &Projection) {
        self.wants_json |= other.wants_json;
        merge_node(&mut self.root, &other.root);
        settle(&mut self.root);
    }

    /// Parse `text` as a JSON object, keeping what the projection asks for.
    /// `None` when it is not JSON, is not an object (selectors start at an
    /// object: `$.name`), or is nested too deeply.
    pub fn parse<'a>(&self, text: &'a str) -> Option<JVal<'a>> {
        let mut r = Reader {
            s: text.as_bytes(),
            src: text,
            i: 0,
        };
        r.ws();
        if r.peek() != Some(b'{') {
            return None;
        }
        let v = r.value(Some(&self.root), 0).ok()?;
        r.ws();
        (r.i == r.s.len()).then_some(v)
    }
}

impl PNode {
    /// What to keep of the value of `key` in an object this node keeps.
    fn field(&self, key: &str) -> Option<&PNode> {
        if self.all {
            return Some(&ALL);
        }
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, c)| c)
            .or(self.any_field.as_deref())
    }

    /// What to keep of element `i` of an array this node keeps.
    fn index(&self, i: u32) -> Option<&PNode> {
        if self.all {
            return Some(&ALL);
        }
        self.indexes
            .iter()
            .find(|(k, _)| *k == i)
            .map(|(_, c)| c)
            .or(self.any_index.as_deref())
    }
}

/// Merge each wildcard subtree into its named siblings, so that a key named
/// both explicitly and through `.*` (or `[N]` and `[*]`) keeps both.
fn settle(node: &mut PNode) {
    if let Some(any) = node.any_field.as_deref().cloned() {
        for (_, c) in &mut node.fields {
            merge_node(c, &any);
        }
    }
    if let Some(any) = node.any_index.as_deref().cloned() {
        for (_, c) in &mut node.indexes {
            merge_node(c, &any);
        }
    }
    let named = node.fields.iter_mut().map(|(_, c)| c);
    for c in named.chain(node.indexes.iter_mut().map(|(_, c)| c)) {
        settle(c);
    }
    for c in [&mut node.any_field, &mut node.any_index]
        .into_iter()
        .flatten()
    {
        settle(c);
    }
}

fn merge_node(into: &mut PNode, from: &PNode) {
    into.all |= from.all;
    into.leaf |= from.leaf;
    for (k, n) in &from.fields {
        match into.fields.iter_mut().find(|(key, _)| key == k) {
            Some((_, m)) => merge_node(m, n),
            None => into.fields.push((k.clone(), n.clone())),
        }
    }
    for (k, n) in &from.indexes {
        match into.indexes.iter_mut().find(|(key, _)| key == k) {
            Some((_, m)) => merge_node(m, n),
            None => into.indexes.push((*k, n.clone())),
        }
    }
    if let Some(n) = &from.any_field {
        merge_node(into.any_field.get_or_insert_with(Box::default), n);
    }
    if let Some(n) = &from.any_index {
        merge_node(into.any_index.get_or_insert_with(Box::default), n);
    }
}

/// Not JSON (the position is not reported: events are either JSON or not).
#[derive(Debug)]
pub(crate) struct NotJson;

type R<T> = Result<T, NotJson>;

static ALL: PNode = PNode {
    all: true,
    leaf: false,
    fields: Vec::new(),
    any_field: None,
    indexes: Vec::new(),
    any_index: None,
};

pub(crate) struct Reader<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Reader {
            s: src.as_bytes(),
            src,
            i: 0,
        }
    }

    #[cfg(test)]
    pub(crate) fn pos(&self) -> usize {
        self.i
    }

    /// The source text from `start` to the current position.
    #[cfg(test)]
    pub(crate) fn slice(&self, start: usize) -> Option<&'a str> {
        self.src.get(start..self.i)
    }

    pub(crate) fn at_end(&mut self) -> bool {
        self.ws();
        self.i == self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    pub(crate) fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> R<()> {
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(NotJson)
        }
    }

    /// Consume `b` after whitespace if it is next.
    pub(crate) fn eat_ws(&mut self, b: u8) -> bool {
        self.ws();
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn lit(&mut self, word: &[u8]) -> R<()> {
        if self.s.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(NotJson)
        }
    }

    /// A value; `node` is what to keep (`None`: skip it).
    fn value(&mut self, node: Option<&PNode>, depth: usize) -> R<JVal<'a>> {
        self.ws();
        let Some(b) = self.peek() else {
            return Err(NotJson);
        };
        match b {
            b'{' => self.object(node, depth + 1),
            b'[' => self.array(node, depth + 1),
            b'"' => {
                if node.is_some() {
                    Ok(JVal::Str(self.string()?))
                } else {
                    self.skip_string()?;
                    Ok(JVal::Skipped)
                }
            }
            b't' => self.lit(b"true").map(|()| JVal::Bool(true)),
            b'f' => self.lit(b"false").map(|()| JVal::Bool(false)),
            b'n' => self.lit(b"null").map(|()| JVal::Null),
            b'-' | b'0'..=b'9' => self.number().map(JVal::Num),
            _ => Err(NotJson),
        }
    }

    /// Skip one value, validating it.
    pub(crate) fn skip_value(&mut self, depth: usize) -> R<()> {
        self.value(None, depth).map(|_| ())
    }

    fn object(&mut self, node: Option<&PNode>, depth: usize) -> R<JVal<'a>> {
        if depth > MAX_DEPTH {
            return Err(NotJson);
        }
        self.eat(b'{')?;
        let mut out = Vec::new();
        if self.eat_ws(b'}') {
            return Ok(JVal::Obj(out));
        }
        loop {
            self.ws();
            let key = self.string()?;
            if !self.eat_ws(b':') {
                return Err(NotJson);
            }
            let child = node.and_then(|n| n.field(&key));
            let v = self.value(child, depth)?;
            if child.is_some() {
                out.push((key, v));
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                _ => return Err(NotJson),
            }
        }
        Ok(match node {
            Some(_) => JVal::Obj(out),
            None => JVal::Skipped,
        })
    }

    fn array(&mut self, node: Option<&PNode>, depth: usize) -> R<JVal<'a>> {
        if depth > MAX_DEPTH {
            return Err(NotJson);
        }
        self.eat(b'[')?;
        let mut out = Vec::new();
        let keep_elements =
            node.is_some_and(|n| n.all || !n.indexes.is_empty() || n.any_index.is_some());
        if self.eat_ws(b']') {
            return Ok(if node.is_some() {
                JVal::Arr(out)
            } else {
                JVal::Skipped
            });
        }
        let mut index: u32 = 0;
        loop {
            let child = node.and_then(|n| n.index(index));
            let v = self.value(child, depth)?;
            if keep_elements {
                out.push(if child.is_some() { v } else { JVal::Skipped });
            }
            index = index.saturating_add(1);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                _ => return Err(NotJson),
            }
        }
        Ok(if node.is_some() {
            JVal::Arr(out)
        } else {
            JVal::Skipped
        })
    }

    fn number(&mut self) -> R<&'a str> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.i += 1;
                }
            }
            _ => return Err(NotJson),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.digits()?;
        }
        self.src.get(start..self.i).ok_or(NotJson)
    }

    fn digits(&mut self) -> R<()> {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        if self.i > start { Ok(()) } else { Err(NotJson) }
    }

    /// Skip a string, validating escapes and control characters.
    fn skip_string(&mut self) -> R<()> {
        self.eat(b'"')?;
        loop {
            let rest = self.s.get(self.i..).ok_or(NotJson)?;
            let Some(at) = memchr::memchr2(b'"', b'\\', rest) else {
                return Err(NotJson);
            };
            let run = rest.get(..at).ok_or(NotJson)?;
            if run.iter().any(|&b| b < 0x20) {
                return Err(NotJson);
            }
            self.i += at;
            if self.peek() == Some(b'"') {
                self.i += 1;
                return Ok(());
            }
            // A backslash.
            self.i += 1;
            match self.peek() {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                Some(b'u') => {
                    self.i += 1;
                    let c = self.hex4()?;
                    self.surrogate(c)?;
                }
                _ => return Err(NotJson),
            }
        }
    }

    fn hex4(&mut self) -> R<u32> {
        let h = self.s.get(self.i..self.i + 4).ok_or(NotJson)?;
        let mut v = 0u32;
        for &b in h {
            v = v * 16 + char::from(b).to_digit(16).ok_or(NotJson)?;
        }
        self.i += 4;
        Ok(v)
    }

    /// After `\uXXXX` = `c`: read the low surrogate if `c` is a high one.
    fn surrogate(&mut self, c: u32) -> R<char> {
        match c {
            0xD800..=0xDBFF => {
                self.lit(b"\\u")?;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return Err(NotJson);
                }
                char::from_u32(0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00)).ok_or(NotJson)
            }
            0xDC00..=0xDFFF => Err(NotJson),
            _ => char::from_u32(c).ok_or(NotJson),
        }
    }

    /// A string, decoded; borrowed when it has no escapes.
    pub(crate) fn string(&mut self) -> R<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.i;
        let rest = self.s.get(start..).ok_or(NotJson)?;
        let at = memchr::memchr2(b'"', b'\\', rest).ok_or(NotJson)?;
        let run = rest.get(..at).ok_or(NotJson)?;
        if run.iter().any(|&b| b < 0x20) {
            return Err(NotJson);
        }
        if rest.get(at) == Some(&b'"') {
            self.i = start + at + 1;
            return self
                .src
                .get(start..start + at)
                .map(Cow::Borrowed)
                .ok_or(NotJson);
        }
        // Escapes: decode into an owned string.
        let mut out = String::from(self.src.get(start..start + at).ok_or(NotJson)?);
        self.i = start + at;
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.i += 1;
                    let e = self.peek().ok_or(NotJson)?;
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let c = self.hex4()?;
                            self.surrogate(c)?
                        }
                        _ => return Err(NotJson),
                    };
                    out.push(c);
                }
                Some(_) => {
                    let rest = self.s.get(self.i..).ok_or(NotJson)?;
                    let at = memchr::memchr2(b'"', b'\\', rest).ok_or(NotJson)?;
                    let run = rest.get(..at).ok_or(NotJson)?;
                    if run.iter().any(|&b| b < 0x20) {
                        return Err(NotJson);
                    }
                    out.push_str(self.src.get(self.i..self.i + at).ok_or(NotJson)?);
                    self.i += at;
                }
                None => return Err(NotJson),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(s: &str) -> Option<JVal<'_>> {
        Projection::all().parse(s)
    }

    fn path(p: &str) -> Vec<PathStep> {
        p.split('.')
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "*" => PathStep::AnyField,
                "[*]" => PathStep::AnyIndex,
                s if s.starts_with('[') => {
                    PathStep::Index(s.trim_matches(&['[', ']'][..]).parse().unwrap())
                }
                s => PathStep::Field(s.to_owned()),
            })
            .collect()
    }

    #[test]
    fn agrees_with_serde_json_on_validity() {
        for s in [
            r#"{}"#,
            r#" {"a":1} "#,
            r#"{"a":[1,2,{"b":null}],"c":"x\"y\u00e9\ud83d\ude00"}"#,
            r#"{"a":-0.5e+10,"b":0,"c":true,"d":false}"#,
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\udc00x"}"#,
            r#"{"a" 1}"#,
            r#"{"a":1"#,
            r#"{"a":1} x"#,
            r#"{a:1}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":tru}"#,
            r#"{"a":nul}"#,
        ] {
            let ours = full(s).is_some();
            let theirs = serde_json::from_str::<serde_json::Value>(s).is_ok();
            assert_eq!(ours, theirs, "{s}");
        }
    }

    #[test]
    fn scalars_and_text_are_not_events() {
        for s in [
            "",
            "5",
            "\"x\"",
            "null",
            "[1]",
            "ERROR something",
            "2024 {\"a\":1}",
        ] {
            assert!(full(s).is_none(), "{s}");
        }
    }

    #[test]
    fn numbers_keep_their_text_and_strings_decode() {
        let v = full(r#"{"n":123.0,"m":1e3,"s":"a\nb","k\u0041":1}"#).unwrap();
        assert_eq!(v.get("n"), Some(&JVal::Num("123.0")));
        assert_eq!(v.get("m"), Some(&JVal::Num("1e3")));
        assert_eq!(v.get("s"), Some(&JVal::Str("a\nb".into())));
        assert_eq!(v.get("kA"), Some(&JVal::Num("1")));
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let v = full(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(v.get("a"), Some(&JVal::Num("2")));
    }

    #[test]
    fn depth_is_bounded() {
        let nest = |n: usize| format!("{{\"a\":{}{}}}", "[".repeat(n - 1), "]".repeat(n - 1));
        assert!(full(&nest(MAX_DEPTH)).is_some());
        assert!(full(&nest(MAX_DEPTH + 1)).is_none());
        let huge = "{\"a\":".to_owned() + &"[".repeat(1_000_000);
        assert!(full(&huge).is_none());
    }

    #[test]
    fn projection_keeps_only_named_paths() {
        let mut p = Projection::none();
        p.add(&path("a.b"));
        p.add(&path("c.[1]"));
        let v = p
            .parse(r#"{"a":{"b":"x","z":[1,2]},"c":[10,20,30],"d":{"big":[1,2,3]}}"#)
            .unwrap();
        assert_eq!(
            v,
            JVal::Obj(vec![
                (
                    "a".into(),
                    JVal::Obj(vec![("b".into(), JVal::Str("x".into()))])
                ),
                (
                    "c".into(),
                    JVal::Arr(vec![JVal::Skipped, JVal::Num("20"), JVal::Skipped])
                ),
            ])
        );
        // Validation still covers skipped parts.
        assert!(p.parse(r#"{"a":{"b":"x"},"d":[1,}"#).is_none());
    }

    #[test]
    fn projection_leaf_containers_keep_their_type() {
        let mut p = Projection::none();
        p.add(&path("a"));
        let v = p.parse(r#"{"a":{"x":[1,2]}}"#).unwrap();
        assert_eq!(v.get("a"), Some(&JVal::Obj(vec![])));
        let v = p.parse(r#"{"a":[1,2]}"#).unwrap();
        assert_eq!(v.get("a"), Some(&JVal::Arr(vec![])));
    }

    #[test]
    fn projection_wildcards_merge_with_names() {
        let mut p = Projection::none();
        p.add(&path("*.x"));
        p.add(&path("a.y"));
        p.add(&path("l.[*].k"));
        p.add(&path("l.[0].j"));
        let v = p
            .parse(
                r#"{"a":{"x":1,"y":2,"z":3},"b":{"x":4},"l":[{"k":1,"j":2,"q":3},{"k":4,"j":5}]}"#,
            )
            .unwrap();
        let a = v.get("a").unwrap();
        assert_eq!(a.get("x"), Some(&JVal::Num("1")));
        assert_eq!(a.get("y"), Some(&JVal::Num("2")));
        assert_eq!(a.get("z"), None);
        assert_eq!(v.get("b").unwrap().get("x"), Some(&JVal::Num("4")));
        let JVal::Arr(l) = v.get("l").unwrap() else {
            panic!()
        };
        assert_eq!(l[0].get("k"), Some(&JVal::Num("1")));
        assert_eq!(l[0].get("j"), Some(&JVal::Num("2")));
        assert_eq!(l[0].get("q"), None);
        assert_eq!(l[1].get("k"), Some(&JVal::Num("4")));
        assert_eq!(l[1].get("j"), None);
    }

    #[test]
    fn merged_projections_equal_one_built_together() {
        let mut a = Projection::none();
        a.add(&path("x.y"));
        let mut b = Projection::none();
        b.add(&path("x.z"));
        let mut ab = Projection::none();
        ab.add(&path("x.y"));
        ab.add(&path("x.z"));
        a.merge(&b);
        assert_eq!(a, ab);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_agrees_on_validity(s in "[\\[\\]{}\",:0-9a-z\\\\ .eE+-]{0,40}") {
            let ours = full(&s).is_some();
            let theirs = serde_json::from_str::<serde_json::Value>(&s)
                .is_ok_and(|v| v.is_object());
            proptest::prop_assert_eq!(ours, theirs, "{}", s);
        }
    }
}
