//! Property tests of the pattern language over generated trees, and the
//! replay of saved fuzz findings.
//!
//! The strategies build only valid [`Ast`]s: operands of `||` are never
//! themselves `||` chains (and likewise for `&&`) unless parenthesised,
//! parentheses nest within [`MAX_NESTING`], ordering operators get bare
//! numbers, and the per-pattern quotas (two regexes, three wildcard
//! selectors, one wildcard per selector) hold. Spans are left at zero:
//! they never take part in equality.

use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use cis_filters::pattern::ast::{
    Ast, Chain, CmpOp, Condition, DelimitedPattern, Expr, Field, FieldCond, Ident, JsonPattern,
    Paren, RegexLit, Selector, Span, Step, StepKind, Term, TermPrefix, TermsPattern, Test, Value,
    ValueKind,
};
use cis_filters::pattern::error::MAX_NESTING;
use cis_filters::pattern::print::{Token, TokenKind, house, tokens};
use cis_filters::pattern::{Normal, lexical_eq, normalize, parse};

#[path = "../../fuzz/src/properties.rs"]
mod properties;

use properties::{
    LINT_FILE_SEPARATOR, check_lint, check_normalize, check_parse, check_roundtrip,
    check_terraform, check_tree_spans, check_verdict, check_yaml,
};

const S: Span = Span { start: 0, end: 0 };

// ---------------------------------------------------------------------------
// Leaves.

/// Words that are, or end in, a keyword of the language: they must still
/// work as property names and values.
const KEYWORDISH: &[&str] = &[
    "IS",
    "NOT",
    "NULL",
    "TRUE",
    "FALSE",
    "EXISTS",
    "AND",
    "OR",
    "THIS",
    "AXIS",
    "KNOT",
    "xIS",
    "xNOT",
    "ISNULL",
    "NOTEXISTS",
    "is",
    "not",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Za-z_][A-Za-z0-9_-]{0,7}",
        1 => prop::sample::select(KEYWORDISH).prop_map(str::to_owned),
    ]
}

/// The text of a bracket key `.['…']`: anything printable but `'`.
fn key() -> impl Strategy<Value = String> {
    r#"[a-z.]{0,3}[ .:/A-Za-z0-9é✓\[\]"-]{1,6}"#
}

fn step() -> impl Strategy<Value = StepKind> {
    prop_oneof![
        6 => name().prop_map(StepKind::Field),
        1 => key().prop_map(StepKind::Key),
        1 => (0u32..=40).prop_map(StepKind::Index),
        1 => Just(StepKind::AnyIndex),
        1 => Just(StepKind::AnyField),
    ]
}

/// A selector with at most one wildcard. The first step follows `$.`, so
/// it is a name, a bracket key or `.*`.
fn selector() -> impl Strategy<Value = Selector> {
    let first = prop_oneof![
        8 => name().prop_map(StepKind::Field),
        1 => key().prop_map(StepKind::Key),
        1 => Just(StepKind::AnyField),
    ];
    (first, prop::collection::vec(step(), 0..4)).prop_map(|(first, rest)| {
        let mut seen_wildcard = false;
        let mut steps = Vec::new();
        for (i, kind) in std::iter::once(first).chain(rest).enumerate() {
            let kind = if kind.is_wildcard() && seen_wildcard {
                StepKind::Index(i as u32)
            } else {
                kind
            };
            seen_wildcard |= kind.is_wildcard();
            steps.push(Step { kind, span: S });
        }
        Selector { steps, span: S }
    })
}

/// Decoded text, quoted and escaped as the source would write it.
fn quoted() -> impl Strategy<Value = ValueKind> {
    r#"[ a-zA-Z0-9*"\\%'.:/()\[\]{}&|,=!<>é✓\t\n-]{0,10}"#.prop_map(|decoded| {
        let raw = decoded.replace('\\', "\\\\").replace('"', "\\\"");
        ValueKind::Quoted(raw)
    })
}

fn number() -> impl Strategy<Value = String> {
    "[+-]?[0-9]{1,4}(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?"
}

/// A bare word or wildcard (any run of bare characters).
fn bare_word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z_][A-Za-z0-9_.*+-]{0,9}",
        1 => prop::sample::select(KEYWORDISH).prop_map(str::to_owned),
        1 => "\\*?[A-Za-z]{1,6}\\*?",
        1 => Just("*".to_owned()),
        1 => "[a-z]{1,5}\\.amazonaws\\.com",
    ]
}

fn regex_body() -> impl Strategy<Value = String> {
    r"[A-Za-z0-9:_#=@/;,^$?\[\]{}|\\*+.-]{1,10}"
}

/// A value for `op`: a bare number for the ordering operators.
fn value_for(op: CmpOp) -> BoxedStrategy<Value> {
    let kind = if op.is_ordering() {
        number().prop_map(ValueKind::Bare).boxed()
    } else {
        prop_oneof![
            3 => quoted(),
            2 => bare_word().prop_map(ValueKind::Bare),
            1 => number().prop_map(ValueKind::Bare),
            1 => regex_body().prop_map(ValueKind::Regex),
        ]
        .boxed()
    };
    kind.prop_map(|kind| Value { kind, span: S }).boxed()
}

fn cmp_op() -> impl Strategy<Value = CmpOp> {
    prop_oneof![
        4 => Just(CmpOp::Eq),
        2 => Just(CmpOp::Ne),
        1 => Just(CmpOp::Lt),
        1 => Just(CmpOp::Le),
        1 => Just(CmpOp::Gt),
        1 => Just(CmpOp::Ge),
    ]
}

fn test() -> impl Strategy<Value = Test> {
    prop_oneof![
        6 => cmp_op().prop_flat_map(|op| value_for(op).prop_map(move |value| Test::Compare {
            op,
            op_span: S,
            value,
        })),
        1 => Just(Test::IsNull { span: S }),
        1 => Just(Test::IsTrue { span: S }),
        1 => Just(Test::IsFalse { span: S }),
        1 => Just(Test::NotExists { span: S }),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    (selector(), test()).prop_map(|(selector, test)| Condition {
        selector,
        test,
        span: S,
    })
}

// ---------------------------------------------------------------------------
// Expressions.

/// A JSON expression with at most `depth` levels of parentheses. Operands
/// of `||` are leaves, parentheses or `&&` chains; operands of `&&` are
/// leaves or parentheses: anything else would print as a different tree.
fn json_expr(depth: u32) -> BoxedStrategy<Expr<Condition>> {
    let leaf = condition().prop_map(Expr::Leaf).boxed();
    if depth == 0 {
        return leaf;
    }
    let paren = json_expr(depth - 1)
        .prop_map(|inner| Expr::Paren(Box::new(Paren { inner, span: S })))
        .boxed();
    let and_operand = prop_oneof![3 => leaf.clone(), 1 => paren.clone()];
    let and = prop::collection::vec(and_operand, 2..4)
        .prop_map(|operands| Expr::And(Chain { operands, span: S }))
        .boxed();
    let or_operand = prop_oneof![3 => leaf.clone(), 1 => paren.clone(), 1 => and.clone()];
    let or = prop::collection::vec(or_operand, 2..4)
        .prop_map(|operands| Expr::Or(Chain { operands, span: S }));
    prop_oneof![2 => leaf, 1 => paren, 2 => and, 2 => or].boxed()
}

fn json() -> impl Strategy<Value = Ast> {
    json_expr(3).prop_map(|expr| Ast::Json(JsonPattern { span: S, expr }))
}

fn field_cond(field: String) -> impl Strategy<Value = Expr<FieldCond>> {
    cmp_op().prop_flat_map(move |op| {
        let field = field.clone();
        value_for(op).prop_map(move |value| {
            Expr::Leaf(FieldCond {
                name: Ident {
                    name: field.clone(),
                    span: S,
                },
                op,
                op_span: S,
                value,
                span: S,
            })
        })
    })
}

/// Conditions on one space-delimited field: `a = 1 || a = 2 && a != 3`.
fn field_expr(field: String) -> impl Strategy<Value = Expr<FieldCond>> {
    let and_chain = prop::collection::vec(field_cond(field.clone()), 1..3).prop_map(chain_and);
    prop::collection::vec(and_chain, 1..3).prop_map(|ops| {
        if ops.len() == 1 {
            ops.into_iter().next().unwrap()
        } else {
            Expr::Or(Chain {
                operands: ops,
                span: S,
            })
        }
    })
}

fn chain_and(ops: Vec<Expr<FieldCond>>) -> Expr<FieldCond> {
    if ops.len() == 1 {
        ops.into_iter().next().unwrap()
    } else {
        Expr::And(Chain {
            operands: ops,
            span: S,
        })
    }
}

fn field() -> impl Strategy<Value = Field> {
    prop_oneof![
        1 => Just(Field::Ellipsis { span: S }),
        2 => name().prop_map(|name| Field::Name(Ident { name, span: S })),
        2 => name().prop_flat_map(field_expr).prop_map(Field::Cond),
    ]
}

fn delimited() -> impl Strategy<Value = Ast> {
    prop::collection::vec(field(), 1..6)
        .prop_map(|fields| Ast::Delimited(DelimitedPattern { fields, span: S }))
}

fn term() -> impl Strategy<Value = Term> {
    let prefix = prop_oneof![
        3 => Just(TermPrefix::Required),
        1 => Just(TermPrefix::Exclude),
        1 => Just(TermPrefix::Optional),
    ];
    (
        prefix,
        prop_oneof![2 => bare_word().prop_map(ValueKind::Bare), 1 => quoted()],
    )
        .prop_map(|(prefix, kind)| {
            // A bare required term that starts with `-` would read as an exclusion.
            let kind = match kind {
                ValueKind::Bare(w) if prefix == TermPrefix::Required && w.starts_with('-') => {
                    ValueKind::Bare(format!("x{w}"))
                }
                k => k,
            };
            Term {
                prefix,
                value: Value { kind, span: S },
                span: S,
            }
        })
}

fn terms() -> impl Strategy<Value = Ast> {
    prop::collection::vec(term(), 1..6)
        .prop_map(|terms| Ast::Terms(TermsPattern { terms, span: S }))
}

/// Any valid pattern.
fn pattern() -> impl Strategy<Value = Ast> {
    prop_oneof![
        6 => json(),
        3 => delimited(),
        2 => terms(),
        1 => regex_body().prop_map(|body| Ast::Regex(RegexLit { body, span: S })),
        1 => Just(Ast::Empty { span: S }),
    ]
    .prop_map(within_quotas)
}

// ---------------------------------------------------------------------------
// Quotas and tree rewriting.

/// Mutable visit of every leaf of an expression, left to right.
fn each_leaf<C>(e: &mut Expr<C>, f: &mut dyn FnMut(&mut C)) {
    match e {
        Expr::Or(c) | Expr::And(c) => c.operands.iter_mut().for_each(|o| each_leaf(o, f)),
        Expr::Paren(p) => each_leaf(&mut p.inner, f),
        Expr::Leaf(l) => f(l),
    }
}

/// Keep at most two regexes and three wildcard selectors, as the parser
/// requires: later regexes become bare words, later `[*]` become `[0]`
/// and later `.*` become `.w`.
fn within_quotas(mut ast: Ast) -> Ast {
    let mut regexes = 0;
    let mut limit_regex = |v: &mut Value| {
        if let ValueKind::Regex(body) = &v.kind {
            regexes += 1;
            if regexes > 2 {
                v.kind = ValueKind::Bare(format!("r{}", body.len()));
            }
        }
    };
    match &mut ast {
        Ast::Json(j) => {
            let mut wildcards = 0;
            each_leaf(&mut j.expr, &mut |c: &mut Condition| {
                if c.selector.wildcard_count() > 0 {
                    wildcards += 1;
                    if wildcards > 3 {
                        for s in &mut c.selector.steps {
                            match s.kind {
                                StepKind::AnyField => s.kind = StepKind::Field("w".into()),
                                StepKind::AnyIndex => s.kind = StepKind::Index(0),
                                _ => {}
                            }
                        }
                    }
                }
                if let Test::Compare { value, .. } = &mut c.test {
                    limit_regex(value);
                }
            });
        }
        Ast::Delimited(d) => {
            for f in &mut d.fields {
                if let Field::Cond(e) = f {
                    each_leaf(e, &mut |c: &mut FieldCond| limit_regex(&mut c.value));
                }
            }
        }
        _ => {}
    }
    ast
}

/// A Fisher-Yates shuffle driven by a linear congruential `seed`.
fn shuffle<T>(items: &mut [T], seed: &mut u64) {
    for i in (1..items.len()).rev() {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = (*seed >> 33) as usize % (i + 1);
        items.swap(i, j);
    }
}

/// Reorder the operands of every `&&` and `||` chain.
fn shuffle_operands<C>(e: &mut Expr<C>, seed: &mut u64) {
    match e {
        Expr::Or(c) | Expr::And(c) => {
            shuffle(&mut c.operands, seed);
            c.operands
                .iter_mut()
                .for_each(|o| shuffle_operands(o, seed));
        }
        Expr::Paren(p) => shuffle_operands(&mut p.inner, seed),
        Expr::Leaf(_) => {}
    }
}

/// The same pattern with the operands of its chains reordered, and the
/// terms of an unstructured pattern too (their order carries no meaning).
fn shuffled(ast: &Ast, mut seed: u64) -> Ast {
    let mut ast = ast.clone();
    match &mut ast {
        Ast::Json(j) => shuffle_operands(&mut j.expr, &mut seed),
        Ast::Delimited(d) => {
            for f in &mut d.fields {
                if let Field::Cond(e) = f {
                    shuffle_operands(e, &mut seed);
                }
            }
        }
        Ast::Terms(t) => shuffle(&mut t.terms, &mut seed),
        _ => {}
    }
    ast
}

/// The deepest nesting of parentheses in `e`.
fn paren_depth<C>(e: &Expr<C>) -> usize {
    match e {
        Expr::Or(c) | Expr::And(c) => c.operands.iter().map(paren_depth).max().unwrap_or(0),
        Expr::Paren(p) => 1 + paren_depth(&p.inner),
        Expr::Leaf(_) => 0,
    }
}

/// Wrap subexpressions chosen by `seed` in redundant parentheses, within
/// the nesting limit.
fn add_parens(e: Expr<Condition>, seed: &mut u64, room: usize) -> Expr<Condition> {
    *seed = seed.rotate_left(7) ^ 0x9e37_79b9_7f4a_7c15;
    let wrap = room > paren_depth(&e) && seed.is_multiple_of(3);
    let mut operands = |c: Chain<Condition>| Chain {
        operands: c
            .operands
            .into_iter()
            .map(|o| add_parens(o, seed, room))
            .collect(),
        span: S,
    };
    let e = match e {
        Expr::Or(c) => Expr::Or(operands(c)),
        Expr::And(c) => Expr::And(operands(c)),
        Expr::Paren(p) => Expr::Paren(Box::new(Paren {
            inner: add_parens(p.inner, seed, room.saturating_sub(1)),
            span: S,
        })),
        leaf @ Expr::Leaf(_) => leaf,
    };
    if wrap && room > paren_depth(&e) {
        Expr::Paren(Box::new(Paren { inner: e, span: S }))
    } else {
        e
    }
}

// ---------------------------------------------------------------------------
// Re-spacing.

fn wordy(t: &Token) -> bool {
    matches!(
        t.kind,
        TokenKind::Selector | TokenKind::Keyword | TokenKind::Term
    )
}

/// The tokens of `ast` joined by whitespace drawn from `spaces`: at least
/// one character where two words meet, none around `{…}`, `[…]` and `%…%`
/// patterns, any amount elsewhere.
fn respaced(ast: &Ast, spaces: &[String]) -> String {
    let toks = tokens(ast);
    let mut spaces = spaces.iter().cycle();
    let mut next_space = |required: bool| {
        let s = spaces.next().map_or(" ", String::as_str);
        if required && s.is_empty() {
            " ".to_owned()
        } else {
            s.to_owned()
        }
    };
    let mut out = String::new();
    let terms = matches!(ast, Ast::Terms(_));
    if terms {
        out.push_str(&next_space(false));
    }
    let mut prev: Option<&Token> = None;
    for t in &toks {
        if let Some(p) = prev {
            out.push_str(&next_space(wordy(p) && wordy(t)));
        }
        out.push_str(&t.text);
        prev = Some(t);
    }
    if terms {
        out.push_str(&next_space(false));
    }
    out
}

fn whitespace() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[ \t\r\n]{0,3}", 1..12)
}

fn parse_ok(text: &str) -> Result<Ast, TestCaseError> {
    parse(text).map_err(|e| TestCaseError::fail(format!("{text:?} does not parse:\n{e}")))
}

// ---------------------------------------------------------------------------
// Properties.

/// 512 cases a property, or `PROPTEST_CASES` for a longer hunt.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// print∘parse: the house-style text of a tree parses back to it.
    #[test]
    fn house_style_parses_back_to_the_tree(ast in pattern()) {
        let text = house(&ast);
        prop_assume!(text.chars().count() <= 1024);
        let again = parse_ok(&text)?;
        prop_assert_eq!(&again, &ast, "printed: {:?}", text);
        check_tree_spans(&text, &again);
        check_roundtrip(&text);
    }

    /// Normalising is idempotent: the canonical text gives the same normal
    /// form, and printing it again gives the same text.
    #[test]
    fn normalize_is_idempotent(ast in pattern()) {
        let normal = Normal::from_ast(&ast);
        let canonical = normal.to_string();
        prop_assume!(canonical.chars().count() <= 1024);
        let again = normalize(&canonical)
            .map_err(|e| TestCaseError::fail(format!("{canonical:?}:\n{e}")))?;
        prop_assert_eq!(&again, &normal, "canonical: {:?}", canonical);
        prop_assert_eq!(again.to_string(), canonical);
        check_normalize(&house(&ast));
    }

    /// Reordering the operands of `&&` and `||` does not change the normal
    /// form, of the tree or of its printed text.
    #[test]
    fn normal_form_ignores_operand_order(ast in pattern(), seed in any::<u64>()) {
        let reordered = shuffled(&ast, seed);
        let normal = Normal::from_ast(&ast);
        prop_assert_eq!(&Normal::from_ast(&reordered), &normal);
        let text = house(&reordered);
        prop_assume!(text.chars().count() <= 1024);
        prop_assert_eq!(Normal::from_ast(&parse_ok(&text)?), normal, "printed: {:?}", text);
    }

    /// Redundant parentheses do not change the normal form.
    #[test]
    fn normal_form_ignores_redundant_parentheses(
        expr in json_expr(3),
        seed in any::<u64>(),
    ) {
        let ast = within_quotas(Ast::Json(JsonPattern { span: S, expr: expr.clone() }));
        let Ast::Json(j) = &ast else { unreachable!() };
        let mut seed = seed;
        let wrapped = add_parens(j.expr.clone(), &mut seed, MAX_NESTING);
        prop_assert!(paren_depth(&wrapped) <= MAX_NESTING);
        let wrapped = Ast::Json(JsonPattern { span: S, expr: wrapped });
        let normal = Normal::from_ast(&ast);
        prop_assert_eq!(&Normal::from_ast(&wrapped), &normal);
        let text = house(&wrapped);
        prop_assume!(text.chars().count() <= 1024);
        let again = parse_ok(&text)?;
        prop_assert_eq!(&again, &wrapped, "printed: {:?}", text);
        prop_assert_eq!(Normal::from_ast(&again), normal, "printed: {:?}", text);
    }

    /// Any whitespace layout of the same tokens is lexically equal to the
    /// house style, parses to the same tree, and has exact spans.
    #[test]
    fn respaced_tokens_are_lexically_equal(ast in pattern(), spaces in whitespace()) {
        let house_text = house(&ast);
        let text = respaced(&ast, &spaces);
        prop_assume!(text.chars().count() <= 1024 && house_text.chars().count() <= 1024);
        let a = parse_ok(&house_text)?;
        let b = parse_ok(&text)?;
        prop_assert!(lexical_eq(&a, &b), "house: {:?}\nrespaced: {:?}", house_text, text);
        prop_assert_eq!(&b, &ast, "respaced: {:?}", text);
        check_tree_spans(&text, &b);
        check_roundtrip(&text);
        check_normalize(&text);
    }

    /// Arbitrary text: never a panic, and error spans inside the input.
    #[test]
    fn verdicts_of_generated_patterns_are_consistent(ast in pattern()) {
        check_verdict(&house(&ast));
    }

    #[test]
    fn arbitrary_text_never_panics(text in r#"[{}\[\]()$.*"'%&|=!<>,?\\ \tA-Za-z0-9é-]{0,40}"#) {
        check_parse(&text).ok();
        check_roundtrip(&text);
        check_normalize(&text);
    }
}

// ---------------------------------------------------------------------------
// Deterministic checks of the generators and rewriters.

proptest! {
    // Each case compares against every row of every benchmark, a few hundred
    // comparisons: a quarter of the usual number of cases.
    #![proptest_config(ProptestConfig { cases: config().cases / 4, ..config() })]

    /// Edited canonical patterns, the inputs that reach every kind of
    /// difference, keep the verdict properties.
    #[test]
    fn verdicts_of_near_misses_are_consistent(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..5), 1..4),
    ) {
        check_verdict(&near_miss(which, &edits));
    }
}

/// Words of Terraform, CloudFormation and filter patterns, and the file
/// separator: lint inputs that reach the extractors' corners (modules,
/// `count`, `for_each`, intrinsics, broken syntax).
const LINT_WORDS: &[&str] = &[
    "resource",
    "\"aws_cloudwatch_log_metric_filter\"",
    "\"aws_cloudwatch_metric_alarm\"",
    "\"r\"",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "=",
    ",",
    "\n",
    "pattern",
    "metric_transformation",
    "name",
    "namespace",
    "metric_name",
    "\"RootUsage\"",
    "\"{ $.a = 1 }\"",
    "\"{ $.eventName = \\\"x\\\" }\"",
    "module",
    "\"m\"",
    "source",
    "\"./m\"",
    "\"../m\"",
    "variable",
    "default",
    "locals",
    "local.p",
    "var.p",
    "p",
    "count",
    "count.index",
    "for_each",
    "each.value",
    "each.key",
    "length(local.p)",
    "element(var.p, 1)",
    "? :",
    "true",
    "2",
    "<<EOT\n{ $.b = 2 }\nEOT\n",
    "${var.p}",
    "\"${local.p}\"",
    "Resources:",
    "  R:",
    "    Type: AWS::Logs::MetricFilter",
    "    Properties:",
    "      FilterPattern: !Sub '${AWS::Region}'",
    "      FilterPattern: '{ $.c = 3 }'",
    "!If [C, a, b]",
    "{\"resource\":",
    "\"pattern\":",
    "# cis-filters: disable=CF0302",
    "\u{feff}",
    "\r\n",
    "\t",
    "é",
];

fn lint_input() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            9 => prop::sample::select(LINT_WORDS).prop_map(|w| w.as_bytes().to_vec()),
            1 => Just(LINT_FILE_SEPARATOR.to_vec()),
        ],
        0..80,
    )
    .prop_map(|parts| parts.join(&b' '))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: config().cases / 4, ..config() })]

    /// Linting any mix of these words never panics, and its locations and
    /// reports are well formed.
    #[test]
    fn lint_never_panics(input in lint_input()) {
        check_lint(&input);
    }
}

/// The lint fixtures, two at a time (as a module and the module it calls),
/// keep the lint properties.
#[test]
fn lint_fixtures_keep_the_fuzz_properties() {
    let mut files: Vec<Vec<u8>> = Vec::new();
    {
        let mut stack = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/lint")];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x != "md") {
                    files.push(std::fs::read(&p).unwrap());
                }
            }
        }
    }
    assert!(files.len() > 10, "{} lint fixtures", files.len());
    for (i, a) in files.iter().enumerate() {
        let b = &files[(i + 1) % files.len()];
        let mut input = a.clone();
        input.extend_from_slice(LINT_FILE_SEPARATOR);
        input.extend_from_slice(b);
        check_lint(&input);
    }
}

/// A canonical pattern of some benchmark with token-level edits: a token
/// dropped or doubled, `&&` and `||` exchanged, a value or selector
/// changed. The result may not parse; that is a case too.
fn near_miss(which: prop::sample::Index, edits: &[(prop::sample::Index, u8)]) -> String {
    let all: Vec<&str> = cis_filters::cis::BENCHMARKS
        .iter()
        .flat_map(|b| b.rows.iter().flat_map(|r| r.canonical.iter().copied()))
        .collect();
    let text = *which.get(&all);
    let mut toks: Vec<Token> = tokens(&parse(text).unwrap());
    for (at, op) in edits {
        if toks.is_empty() {
            break;
        }
        let i = at.index(toks.len());
        match op {
            0 => {
                toks.remove(i);
            }
            1 => {
                let t = toks[i].clone();
                toks.insert(i, t);
            }
            2 => {
                if let Some(t) = toks.iter_mut().skip(i).find(|t| t.kind == TokenKind::Logic) {
                    t.text = if t.text == "&&" { "||" } else { "&&" }.into();
                }
            }
            3 => {
                if let Some(t) = toks.iter_mut().skip(i).find(|t| t.kind == TokenKind::Value) {
                    t.text = format!("{}x", t.text.trim_matches('"')).into();
                }
            }
            _ => {
                if let Some(t) = toks
                    .iter_mut()
                    .skip(i)
                    .find(|t| t.kind == TokenKind::Selector)
                {
                    t.text = format!("{}.y", t.text).into();
                }
            }
        }
    }
    toks.iter().map(|t| &*t.text).collect::<Vec<_>>().join(" ")
}

#[test]
fn respacing_keeps_required_whitespace() {
    let ast = parse(r#"{ $.a IS NULL && ($.b NOT EXISTS || $.c = "x y") }"#).unwrap();
    let text = respaced(&ast, &[String::new()]);
    assert_eq!(text, r#"{$.a IS NULL&&($.b NOT EXISTS||$.c="x y")}"#);
    assert!(lexical_eq(&parse(&text).unwrap(), &ast));
    let ast = parse("ERROR -DEBUG").unwrap();
    assert_eq!(respaced(&ast, &["\n".to_owned()]), "\nERROR\n-DEBUG\n");
}

#[test]
fn redundant_parentheses_respect_the_nesting_limit() {
    let Ast::Json(j) = parse("{ $.a = 1 || $.b = 2 && $.c = 3 }").unwrap() else {
        unreachable!()
    };
    for seed in 0..64 {
        let mut s = seed;
        let mut e = j.expr.clone();
        for _ in 0..40 {
            e = add_parens(e, &mut s, MAX_NESTING);
        }
        assert!(paren_depth(&e) <= MAX_NESTING);
        let ast = Ast::Json(JsonPattern { span: S, expr: e });
        assert_eq!(parse(&house(&ast)).unwrap(), ast);
    }
}

#[test]
fn the_quota_rewrite_makes_trees_valid() {
    let mut over = parse(
        "{ $.a = %x% || $.b = %y% || $.c = z || $.d[*] = 1 || $.e[*] = 1 || $.f[*] = 1 || $.g[0] = 1 }",
    )
    .unwrap();
    let Ast::Json(j) = &mut over else {
        unreachable!()
    };
    let mut n = 0;
    each_leaf(&mut j.expr, &mut |c: &mut Condition| {
        n += 1;
        if let (3, Test::Compare { value, .. }) = (n, &mut c.test) {
            value.kind = ValueKind::Regex("z".into());
        }
        if n == 7 {
            c.selector.steps[1].kind = StepKind::AnyIndex;
        }
    });
    let e = parse(&house(&over)).unwrap_err();
    assert_eq!(e.kind().code(), "too_many_regexes");
    let fixed = within_quotas(over);
    assert!(parse(&house(&fixed)).is_ok(), "{}", house(&fixed));
}

// ---------------------------------------------------------------------------
// Parser bugs found by the properties above, kept as plain tests.

/// A property name that ends in `IS`, tested with `NOT EXISTS`, is valid:
/// `$.THIS NOT EXISTS`. The hint for a keyword glued to the name
/// (`$.userIdentity.invokedByIS NOT NULL`) used to fire on it and reject the
/// pattern as `glued_keyword`. Found by `house_style_parses_back_to_the_tree`.
#[test]
fn a_name_ending_in_is_before_not_exists_parses() {
    for text in [
        "{ $.THIS NOT EXISTS }",
        "{ $.AXIS NOT EXISTS }",
        r#"{ $.A.aIS NOT EXISTS || $.a = "" }"#,
    ] {
        let ast = parse(text).unwrap_or_else(|e| panic!("{text:?} should parse:\n{e}"));
        assert_eq!(house(&ast), text);
        check_roundtrip(text);
        check_normalize(text);
    }
    // The hint still fires where the name has really swallowed a keyword.
    let e = parse("{ $.userIdentity.invokedByNOT EXISTS }").unwrap_err();
    assert_eq!(e.kind().code(), "glued_keyword");
    let e = parse("{ $.fieldIS NULL }").unwrap_err();
    assert_eq!(e.kind().code(), "glued_keyword");
}

/// The printers give back the tokens as written, so an array index with
/// leading zeros must either be rejected or keep its text. The tree stores
/// the index as a number, so `$.a[007]` used to print as `$.a[7]`: `fmt`
/// changed a token, and `lexical_eq` called the two spellings equal.
#[test]
fn an_index_with_leading_zeros_keeps_its_text_or_is_rejected() {
    let text = "{ $.a[007] = 1 }";
    if let Ok(ast) = parse(text) {
        assert_eq!(house(&ast), text, "fmt changed the index token");
        let plain = parse("{ $.a[7] = 1 }").unwrap();
        assert!(
            !lexical_eq(&ast, &plain),
            "`[007]` and `[7]` are different tokens"
        );
    }
}

// ---------------------------------------------------------------------------
// The grammar corpus.

/// Every pattern of `grammar/corpus` (valid and invalid) keeps the fuzz
/// properties: exact spans, one-line messages, house style and canonical
/// text round trips.
#[test]
fn grammar_corpus_keeps_the_fuzz_properties() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("grammar/corpus");
    let mut seen = 0;
    for dir in ["valid", "invalid"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "pattern") {
                continue;
            }
            let raw = std::fs::read_to_string(&path).unwrap();
            // The corpus convention: one trailing newline is not part of the pattern.
            let text = raw.strip_suffix('\n').unwrap_or(&raw);
            let replay = std::panic::catch_unwind(|| {
                check_parse(text).ok();
                check_roundtrip(text);
                check_normalize(text);
                check_verdict(text);
            });
            assert!(replay.is_ok(), "{} fails a fuzz property", path.display());
            seen += 1;
        }
    }
    assert!(seen > 0, "no corpus files under {}", root.display());
}

// ---------------------------------------------------------------------------
// Saved fuzz findings.

/// Every file in `tests/fuzz_regressions/` (the exact input bytes) and what
/// it once broke. Each is replayed through all the fuzz properties.
const FUZZ_REGRESSIONS: &[(&str, &str)] = &[
    (
        "yaml-alias-bomb.yaml",
        "a review's reproducer, not a fuzz finding: nine levels of nine YAML \
         aliases were copied without bound and took gigabytes (it fails the \
         `yaml` and `lint` targets under `-rss_limit_mb` without the bound)",
    ),
    (
        "terraform-locals-eightfold.tf",
        "a review's reproducer, not a fuzz finding: twenty locals, each the \
         previous one eight times, were evaluated without a budget, 8^20 \
         copies (it fails the `terraform` target under `-rss_limit_mb` \
         without the budget)",
    ),
    (
        "regex-with-carriage-return.pattern",
        "a CR inside a `%regex%` was quoted raw into the error message, \
         which then spanned two lines (found by the `parse` target)",
    ),
    (
        "escape-of-newline.pattern",
        "a backslash before a newline inside a quoted value was quoted raw \
         into the `invalid_escape` message, which then spanned two lines \
         (found by the `parse` target)",
    ),
];

fn regressions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions")
}

#[test]
fn fuzz_regressions_are_listed_and_replayed() {
    let mut on_disk: Vec<String> = std::fs::read_dir(regressions_dir())
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n != "README.md")
                .collect()
        })
        .unwrap_or_default();
    on_disk.sort();
    let mut listed: Vec<String> = FUZZ_REGRESSIONS
        .iter()
        .map(|(f, _)| (*f).to_owned())
        .collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every saved fuzz input needs an entry (and a comment) in FUZZ_REGRESSIONS"
    );
    for (file, why) in FUZZ_REGRESSIONS {
        let bytes = std::fs::read(regressions_dir().join(file)).unwrap();
        // Inputs of the lint, yaml and terraform targets: files, not patterns.
        if [".yaml", ".tf", ".lint"].iter().any(|x| file.ends_with(x)) {
            let replay = std::panic::catch_unwind(|| {
                check_lint(&bytes);
                check_terraform(&bytes);
                if let Ok(text) = std::str::from_utf8(&bytes) {
                    check_yaml(text);
                }
            });
            assert!(replay.is_ok(), "{file} ({why}) fails again");
            continue;
        }
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let replay = std::panic::catch_unwind(|| {
            check_parse(text).ok();
            check_roundtrip(text);
            check_normalize(text);
            check_verdict(text);
        });
        assert!(replay.is_ok(), "{file} ({why}) fails again: {text:?}");
    }
}
