//! Canonical forms, parsed once: the shape (AST, normal form, leaf keys)
//! of every canonical pattern of every benchmark row.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use super::closeness::{WordHasher, hash, leaf_keys};
use crate::cis::benchmarks::{BENCHMARKS, PatternRow};
use crate::pattern::ast::Ast;
use crate::pattern::normal::{NCond, NExpr};
use crate::pattern::print::{Token, tokens};
use crate::pattern::{Normal, ParseError, parse};

/// What comparing needs of a parsed pattern besides its syntax tree.
pub(super) struct Shape {
    pub(super) normal: Normal,
    /// A hash of `normal`, compared before the trees themselves: of its
    /// sorted leaf keys for a JSON pattern (equal normal forms have equal
    /// leaves; the tree decides the rare rest), of the whole form otherwise.
    normal_hash: u64,
    /// Hash keys of the JSON leaves, `(selector, condition)`, sorted (empty
    /// for other kinds): scoring merges these instead of comparing
    /// conditions, which share long selectors and values.
    pub(super) keys: Vec<(u64, u64)>,
    /// The same keys in [`NExpr::leaves`] order, for pairing leaves.
    pub(super) leaf_keys: Vec<(u64, u64)>,
}

impl Shape {
    /// The shape of `ast`.
    pub(super) fn new(ast: &Ast) -> Shape {
        let normal = Normal::from_ast(ast);
        let leaf_keys = leaf_keys(&normal);
        let mut keys = leaf_keys.clone();
        keys.sort_unstable();
        Shape {
            normal_hash: if leaf_keys.is_empty() {
                hash(&normal)
            } else {
                hash(&keys)
            },
            keys,
            leaf_keys,
            normal,
        }
    }

    /// Equal normal forms, deciding most unequal pairs by their hashes.
    pub(super) fn same(&self, other: &Shape) -> bool {
        self.normal_hash == other.normal_hash && self.normal == other.normal
    }

    pub(super) fn expr(&self) -> Option<&NExpr<NCond>> {
        match &self.normal {
            Normal::Json(e) => Some(e),
            _ => None,
        }
    }
}

/// A canonical form: its syntax tree, its tokens and its shape.
pub(super) struct Form {
    pub(super) ast: Ast,
    pub(super) tokens: Vec<Token>,
    pub(super) shape: Shape,
}

impl Form {
    fn new(text: &str) -> Result<Form, ParseError> {
        let ast = parse(text)?;
        Ok(Form {
            tokens: tokens(&ast),
            shape: Shape::new(&ast),
            ast,
        })
    }
}

/// Hash maps keyed by addresses: hashing a key costs one multiplication.
type AddressMap<V> = HashMap<(usize, usize), V, BuildHasherDefault<WordHasher>>;

/// The address and length of a static string or slice: the cache key of a
/// built-in canonical string or row. Hashing it is constant time, where
/// hashing the text would cost as much as the comparison.
fn address<T>(s: &'static [T]) -> (usize, usize) {
    (s.as_ptr() as usize, s.len())
}

/// Every canonical string of the built-in benchmarks, parsed once.
fn cached_forms() -> &'static AddressMap<Form> {
    static FORMS: OnceLock<AddressMap<Form>> = OnceLock::new();
    FORMS.get_or_init(|| {
        let mut m = AddressMap::default();
        for b in BENCHMARKS {
            for r in b.rows {
                for c in r.canonical {
                    if let std::collections::hash_map::Entry::Vacant(v) =
                        m.entry(address(c.as_bytes()))
                        && let Ok(f) = Form::new(c)
                    {
                        v.insert(f);
                    }
                }
            }
        }
        m
    })
}

/// The parsed forms of every built-in row, keyed by its `canonical` slice.
fn cached_rows() -> &'static AddressMap<Vec<(&'static str, &'static Form)>> {
    static ROWS: OnceLock<AddressMap<Vec<(&'static str, &'static Form)>>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let forms = cached_forms();
        let mut m = AddressMap::default();
        for b in BENCHMARKS {
            for r in b.rows {
                let parsed = r
                    .canonical
                    .iter()
                    .filter_map(|c| forms.get(&address(c.as_bytes())).map(|f| (*c, f)))
                    .collect();
                m.insert(address(r.canonical), parsed);
            }
        }
        m
    })
}

/// The forms of a row that parse, in order: cached for the built-in
/// benchmarks, parsed now for others.
pub(super) enum RowForms {
    Cached(&'static [(&'static str, &'static Form)]),
    Parsed(Vec<(&'static str, Form)>),
}

impl RowForms {
    pub(super) fn of(row: &PatternRow) -> RowForms {
        match cached_rows().get(&address(row.canonical)) {
            Some(v) => RowForms::Cached(v),
            None => RowForms::Parsed(
                row.canonical
                    .iter()
                    .filter_map(|c| Form::new(c).ok().map(|f| (*c, f)))
                    .collect(),
            ),
        }
    }

    pub(super) fn iter(&self) -> FormIter<'_> {
        match self {
            RowForms::Cached(v) => FormIter::Cached(v.iter()),
            RowForms::Parsed(v) => FormIter::Parsed(v.iter()),
        }
    }
}

pub(super) enum FormIter<'a> {
    Cached(std::slice::Iter<'a, (&'static str, &'static Form)>),
    Parsed(std::slice::Iter<'a, (&'static str, Form)>),
}

impl<'a> Iterator for FormIter<'a> {
    type Item = (&'static str, &'a Form);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            FormIter::Cached(i) => i.next().map(|(t, f)| (*t, *f)),
            FormIter::Parsed(i) => i.next().map(|(t, f)| (*t, f)),
        }
    }
}
