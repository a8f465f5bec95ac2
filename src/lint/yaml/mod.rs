//! A small YAML (and so JSON) node tree with byte spans, scalar styles and
//! tags, built from saphyr-parser's events, and (in [`scalar`]) the
//! decoding of a scalar with a map from its bytes back to the file.

mod scalar;

use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle};

pub use scalar::scalar_text;

/// The deepest nesting of collections accepted (a template deeper than
/// this is not CloudFormation anyone writes; it is rejected, not recursed).
pub const MAX_DEPTH: usize = 256;

/// The most bytes of nodes that aliases may replay in one document. An
/// alias is a copy of the node it names; without a bound, a few hundred
/// bytes of nested aliases ("billion laughs") expand to gigabytes.
pub const MAX_ALIAS_BYTES: usize = 64 * 1024 * 1024;

/// A YAML node.
#[derive(Clone, Debug)]
pub enum Node {
    /// A scalar.
    Scalar(Scalar),
    /// A sequence.
    Seq {
        /// Items.
        items: Vec<Node>,
        /// Tag suffix (`Join` for `!Join`), if any.
        tag: Option<String>,
        /// Byte span in the text.
        span: Range<usize>,
    },
    /// A mapping.
    Map {
        /// Entries in order.
        entries: Vec<(Node, Node)>,
        /// Tag suffix, if any.
        tag: Option<String>,
        /// Byte span in the text.
        span: Range<usize>,
    },
}

/// A scalar node.
#[derive(Clone, Debug)]
pub struct Scalar {
    /// The value as YAML decodes it.
    pub value: String,
    /// How it is written.
    pub style: ScalarStyle,
    /// Tag suffix (`Sub` for `!Sub`), if any.
    pub tag: Option<String>,
    /// Byte span in the text (tags and anchors included).
    pub span: Range<usize>,
}

impl Node {
    /// The node's byte span.
    pub fn span(&self) -> Range<usize> {
        match self {
            Node::Scalar(s) => s.span.clone(),
            Node::Seq { span, .. } | Node::Map { span, .. } => span.clone(),
        }
    }

    /// The tag suffix, if any.
    pub fn tag(&self) -> Option<&str> {
        match self {
            Node::Scalar(s) => s.tag.as_deref(),
            Node::Seq { tag, .. } | Node::Map { tag, .. } => tag.as_deref(),
        }
    }

    /// The value of key `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value of key `key` of a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match self {
            Node::Map { entries, .. } => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The scalar's value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar(s) => Some(&s.value),
            _ => None,
        }
    }

    /// The mapping's entries.
    pub fn entries(&self) -> &[(Node, Node)] {
        match self {
            Node::Map { entries, .. } => entries,
            _ => &[],
        }
    }

    /// The sequence's items.
    pub fn items(&self) -> &[Node] {
        match self {
            Node::Seq { items, .. } => items,
            _ => &[],
        }
    }
}

/// A YAML syntax error: where and what.
#[derive(Clone, Debug)]
pub struct YamlError {
    /// Byte offset in the text.
    pub offset: usize,
    /// The parser's message.
    pub message: String,
}

/// Converts saphyr's character indices to byte offsets.
struct CharMap<'a> {
    text: &'a str,
    /// Byte offset of every char index, when the text is not ASCII.
    offsets: Option<Vec<usize>>,
}

impl<'a> CharMap<'a> {
    fn new(text: &'a str) -> Self {
        let offsets = (!text.is_ascii()).then(|| {
            let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            v.push(text.len());
            v
        });
        CharMap { text, offsets }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.offsets {
            None => char_index.min(self.text.len()),
            Some(v) => v.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }
}

/// A collection whose end event has not come yet.
struct Open {
    /// A mapping (else a sequence).
    is_map: bool,
    /// Its items so far (keys and values alternate in a mapping).
    items: Vec<Node>,
    tag: Option<String>,
    /// Where it starts.
    start: usize,
    /// Its anchor id (0: none).
    anchor: usize,
    /// The bytes of its nodes so far.
    bytes: usize,
}

impl Open {
    /// The finished node, ending at `end`, with its anchor id and size.
    fn close(self, end: usize) -> (Node, usize, usize) {
        let span = self.start..end.max(self.start);
        let tag = self.tag;
        let node = if self.is_map {
            let mut entries = Vec::with_capacity(self.items.len() / 2);
            let mut it = self.items.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                entries.push((k, v));
            }
            Node::Map { entries, tag, span }
        } else {
            Node::Seq {
                items: self.items,
                tag,
                span,
            }
        };
        let size = self.bytes.saturating_add(node_bytes(&node));
        (node, self.anchor, size)
    }
}

/// A YAML tag as written (`!Sub`, `tag:yaml.org,2002:str`).
fn tag_text(t: Option<std::borrow::Cow<'_, saphyr_parser::Tag>>) -> Option<String> {
    t.map(|t| {
        if t.handle == "!" {
            t.suffix.clone()
        } else {
            format!("{}{}", t.handle, t.suffix)
        }
    })
}

/// The anchored nodes of a document, and the bytes that anchors and
/// aliases have copied so far (bounded by [`MAX_ALIAS_BYTES`]).
#[derive(Default)]
struct Anchors {
    /// Anchor id, node, size in bytes (the node and everything in it).
    nodes: Vec<(usize, Node, usize)>,
    replayed: usize,
}

impl Anchors {
    /// Count `size` more bytes copied; an error past the bound.
    fn spend(&mut self, size: usize, at: usize) -> Result<(), YamlError> {
        self.replayed = self.replayed.saturating_add(size);
        if self.replayed > MAX_ALIAS_BYTES {
            return Err(alias_error(at));
        }
        Ok(())
    }

    /// The node an alias stands for, with its size.
    fn replay(&mut self, id: usize, at: usize) -> Result<Option<(Node, usize, usize)>, YamlError> {
        let Some((_, n, size)) = self.nodes.iter().rev().find(|(a, _, _)| *a == id) else {
            return Ok(None);
        };
        let (node, size) = (n.clone(), *size);
        self.spend(size, at)?;
        Ok(Some((node, 0, size)))
    }
}

fn alias_error(offset: usize) -> YamlError {
    YamlError {
        offset,
        message: format!(
            "its anchors and aliases expand to more than {MAX_ALIAS_BYTES} bytes of nodes, the most this linter builds; it was not linted"
        ),
    }
}

/// What a node costs in memory, roughly: the node and its strings.
fn node_bytes(n: &Node) -> usize {
    std::mem::size_of::<Node>()
        + match n {
            Node::Scalar(s) => s.value.len() + s.tag.as_ref().map_or(0, String::len),
            Node::Seq { tag, .. } | Node::Map { tag, .. } => tag.as_ref().map_or(0, String::len),
        }
}

/// Parse the first document of `text` into a tree.
pub fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    let cm = CharMap::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors = Anchors::default();
    let mut root: Option<Node> = None;
    while let Some(ev) = parser.next_event() {
        let (ev, span) = ev.map_err(|e| YamlError {
            offset: cm.byte(e.marker().index()),
            message: e.info().to_owned(),
        })?;
        let start = cm.byte(span.start.index());
        let end = cm.byte(span.end.index());
        let is_map = matches!(ev, Event::MappingStart(..));
        // The node completed by this event, its anchor id and its size.
        let done: Option<(Node, usize, usize)> = match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let node = Node::Scalar(Scalar {
                    value: value.into_owned(),
                    style,
                    tag: tag_text(tag),
                    span: start..end,
                });
                let size = node_bytes(&node);
                Some((node, anchor, size))
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        offset: start,
                        message: format!("nested deeper than {MAX_DEPTH} levels"),
                    });
                }
                stack.push(Open {
                    is_map,
                    items: Vec::new(),
                    tag: tag_text(tag),
                    start,
                    anchor,
                    bytes: 0,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => stack.pop().map(|open| open.close(end)),
            Event::Alias(id) => anchors.replay(id, start)?,
            Event::DocumentEnd => break,
            _ => None,
        };
        if let Some((node, anchor, size)) = done {
            if anchor != 0 {
                // The anchored copy counts against the same bound.
                anchors.spend(size, start)?;
                anchors.nodes.push((anchor, node.clone(), size));
            }
            match stack.last_mut() {
                Some(top) => {
                    top.items.push(node);
                    top.bytes = top.bytes.saturating_add(size);
                }
                None => root = Some(node),
            }
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::scalar::decode;
    use super::*;
    use crate::lint::text::Text;

    fn scalars(text: &str) -> Vec<Scalar> {
        fn walk(n: &Node, out: &mut Vec<Scalar>) {
            match n {
                Node::Scalar(s) => out.push(s.clone()),
                Node::Seq { items, .. } => items.iter().for_each(|i| walk(i, out)),
                Node::Map { entries, .. } => entries.iter().for_each(|(k, v)| {
                    walk(k, out);
                    walk(v, out);
                }),
            }
        }
        let mut out = Vec::new();
        walk(&parse(text).unwrap().unwrap(), &mut out);
        out
    }

    /// The value of key `k`, decoded with its map, checked to be exact.
    fn value(text: &str, k: &str) -> Text {
        let all = scalars(text);
        let i = all.iter().position(|s| s.value == k).unwrap();
        let s = &all[i + 1];
        let t = decode(s, text, 0, 0).unwrap_or_else(|| panic!("no decode for {k}"));
        assert_eq!(t.as_str(), s.value, "decoder disagrees for {k}");
        t
    }

    fn src<'a>(text: &'a str, t: &Text, r: Range<usize>) -> &'a str {
        &text[t.source_span(r).unwrap().range]
    }

    #[test]
    fn every_scalar_style_decodes_with_a_map() {
        let y = "a: plain text\n  more\nb: \"dq \\\" x\n  y\"\nc: 'sq '' z'\nd: |\n  lit\n   more\ne: >-\n  fold\n  ed\n\n  x\nf: !Sub \"x\\ty\"\ng: \"esc\\\n   aped\"\n";
        let a = value(y, "a");
        assert_eq!(a.as_str(), "plain text more");
        assert_eq!(src(y, &a, 11..15), "more");
        assert_eq!(src(y, &a, 10..11), "\n  "); // the folded break
        let b = value(y, "b");
        assert_eq!(b.as_str(), "dq \" x y");
        assert_eq!(src(y, &b, 3..4), "\\\"");
        assert_eq!(src(y, &b, 7..8), "y");
        let c = value(y, "c");
        assert_eq!(c.as_str(), "sq ' z");
        assert_eq!(src(y, &c, 3..4), "''");
        let d = value(y, "d");
        assert_eq!(d.as_str(), "lit\n more\n");
        assert_eq!(src(y, &d, 4..9), " more");
        let e = value(y, "e");
        assert_eq!(e.as_str(), "fold ed\nx");
        assert_eq!(src(y, &e, 5..7), "ed");
        assert_eq!(src(y, &e, 8..9), "x");
        let f = value(y, "f");
        assert_eq!(f.as_str(), "x\ty");
        assert_eq!(src(y, &f, 1..2), "\\t");
        let g = value(y, "g");
        assert_eq!(g.as_str(), "escaped");
        assert_eq!(src(y, &g, 3..7), "aped");
    }

    #[test]
    fn json_and_crlf_and_unicode() {
        let j = "{\r\n\t\"K\": \"caf\u{e9} \\u0041\\\"\",\r\n\t\"L\": [1, 2]\r\n}";
        let k = value(j, "K");
        assert_eq!(k.as_str(), "café A\"");
        assert_eq!(src(j, &k, 6..7), "\\u0041");
        assert_eq!(src(j, &k, 3..5), "\u{e9}");
        let root = parse(j).unwrap().unwrap();
        assert_eq!(root.get("L").unwrap().items().len(), 2);
    }

    #[test]
    fn tags_anchors_and_aliases() {
        let y = "a: &x !Ref Foo\nb: *x\nc: !Join ['', [p, q]]\n";
        let root = parse(y).unwrap().unwrap();
        assert_eq!(root.get("a").unwrap().tag(), Some("Ref"));
        assert_eq!(root.get("b").unwrap().as_str(), Some("Foo"));
        let c = root.get("c").unwrap();
        assert_eq!(c.tag(), Some("Join"));
        assert_eq!(c.items()[1].items().len(), 2);
        let t = value(y, "a");
        assert_eq!(t.as_str(), "Foo");
        assert_eq!(src(y, &t, 0..3), "Foo");
    }

    #[test]
    fn fallback_maps_to_the_first_line() {
        // A value the decoder here cannot reproduce from the bytes (as if
        // the parser knew a rule this module does not): the parser's value
        // is kept, and all of it maps to the scalar's first line.
        let y = "k: \"ab\n  c\"\n";
        let s = Scalar {
            value: "something else".into(),
            style: ScalarStyle::DoubleQuoted,
            tag: None,
            span: 3..11,
        };
        let t = scalar_text(&s, y, 0, 100);
        assert_eq!(t.as_str(), "something else");
        assert_eq!(t.source_span(5..7).unwrap().range, 103..106);
        // Unknown escapes are a YAML syntax error with a position.
        let e = parse("k: \"a\\qb\"\n").unwrap_err();
        assert_eq!(e.offset, 3);
    }

    /// Nine levels of nine aliases each ("billion laughs"): 387,420,489
    /// scalars if expanded. The replay stops at the bound.
    #[test]
    fn alias_expansion_is_bounded() {
        let mut y = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let refs = vec![format!("*{prev}"); 9].join(", ");
            y.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let e = parse(&y).unwrap_err();
        assert!(e.message.contains("aliases expand"), "{e:?}");
        // At the alias, or at the end of the anchored node, that crossed it.
        assert!(matches!(y.as_bytes()[e.offset], b'*' | b']'), "{e:?}");
        // A few aliases of a small node are fine.
        let root = parse("a: &x [1, 2]\nb: [*x, *x, *x]\n").unwrap().unwrap();
        assert_eq!(root.get("b").unwrap().items()[2].items().len(), 2);
    }

    #[test]
    fn errors_have_offsets() {
        let e = parse("a: [1, 2\nb: c").unwrap_err();
        assert!(e.offset > 0, "{e:?}");
        assert!(parse("").unwrap().is_none());
        let deep = "[".repeat(MAX_DEPTH + 5);
        assert!(parse(&deep).is_err());
    }
}
