//! `fieldSelectionCriteria`: the corpus in `grammar/corpus-criteria`, property
//! tests over generated trees, and `cis-filters criteria` on the real binary.
//!
//! The corpus: every `valid/*.criteria` passes every check of
//! `fuzz/src/criteria.rs`; every `invalid/<kind>--<name>.criteria` fails with
//! that kind (and its error passes the same checks). Files are read verbatim
//! except for one trailing newline. Inputs found by the `criteria` fuzz
//! target are added to the corpus, so they are replayed here.

use std::fs;

use proptest::prelude::*;

use cis_filters::criteria::ast::{Chain, Comparison, Criteria, Expr, List, Paren, Rhs, Span, Str};
use cis_filters::criteria::error::MAX_NESTING;
use cis_filters::criteria::print::house;
use cis_filters::criteria::{
    ErrorKind, Field, Op, Selection, evaluate, is_account_id, is_region_code, parse,
};

#[path = "../../fuzz/src/criteria.rs"]
mod properties;

use properties::{UNNAMED_ACCOUNT, UNNAMED_REGION, check_criteria, grid};

// ---------------------------------------------------------------------------
// The corpus.

fn corpus(dir: &str) -> Vec<(String, String)> {
    crate::common::corpus_files(&format!("grammar/corpus-criteria/{dir}"), "criteria")
}

#[test]
fn valid_corpus_parses_and_keeps_every_property() {
    let valid = corpus("valid");
    assert!(valid.len() >= 40, "only {} valid inputs", valid.len());
    for (file, text) in &valid {
        if let Err(e) = check_criteria(text) {
            panic!("{file}:\n{}", e.render(Some(file)));
        }
    }
}

#[test]
fn invalid_corpus_fails_with_its_kind() {
    let invalid = corpus("invalid");
    assert!(invalid.len() >= 80, "only {} invalid inputs", invalid.len());
    let mut failures = Vec::new();
    for (file, text) in &invalid {
        let Some((kind, _)) = file.split_once("--") else {
            failures.push(format!("{file}: name is not <kind>--<name>.criteria"));
            continue;
        };
        match check_criteria(text) {
            Ok(_) => failures.push(format!("{file}: parsed, expected {kind}")),
            Err(e) if e.kind().code() != kind => {
                failures.push(format!("{file}: got {} ({})", e.kind().code(), e.message()))
            }
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_error_kind_has_an_invalid_example() {
    let files: Vec<String> = corpus("invalid").into_iter().map(|(f, _)| f).collect();
    let missing: Vec<&str> = ErrorKind::all()
        .iter()
        .map(ErrorKind::code)
        .filter(|code| !files.iter().any(|f| f.starts_with(&format!("{code}--"))))
        .collect();
    assert!(
        missing.is_empty(),
        "no invalid corpus file for: {missing:?}"
    );
}

#[test]
fn the_corpus_names_the_documented_policies() {
    // Every error kind is listed in the policy table of grammar/README.md and in docs/criteria.md.
    let readme = fs::read_to_string(crate::common::root().join("grammar/README.md")).unwrap();
    let docs = fs::read_to_string(crate::common::root().join("docs/criteria.md")).unwrap();
    for kind in ErrorKind::all() {
        let code = format!("`{}`", kind.code());
        assert!(
            readme.contains(&code),
            "grammar/README.md does not name {code}"
        );
        assert!(
            docs.contains(&code),
            "docs/criteria.md does not name {code}"
        );
    }
}

/// The grid of the property checks needs an account and a Region that no
/// criteria can name (the `criteria` fuzz target found criteria naming the
/// account the grid once used as its unnamed one).
#[test]
fn the_grid_has_an_unnamed_account_and_region() {
    assert!(!is_account_id(UNNAMED_ACCOUNT));
    assert!(!is_region_code(UNNAMED_REGION));
    let c = parse(r#"@aws.account = "999999999999" OR @aws.region != "us-east-1""#).unwrap();
    let (accounts, regions) = grid(&c);
    assert_eq!(accounts, ["999999999999", UNNAMED_ACCOUNT]);
    assert_eq!(regions, [UNNAMED_REGION, "us-east-1"]);
}

// ---------------------------------------------------------------------------
// Generated trees.

const S: Span = Span { start: 0, end: 0 };

const ACCOUNTS: &[&str] = &[
    "111111111111",
    "222222222222",
    "333333333333",
    "000000000001",
];
const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "us-gov-west-1", "eusc-de-east-1"];

fn value(field: Field) -> BoxedStrategy<Str> {
    let named = match field {
        Field::Account => ACCOUNTS,
        Field::Region => REGIONS,
    };
    let fresh = match field {
        Field::Account => "[0-9]{12}".boxed(),
        Field::Region => "[a-z]{2,4}-[a-z]{4,9}-[0-9]{1,2}".boxed(),
    };
    prop_oneof![
        4 => prop::sample::select(named).prop_map(str::to_owned),
        1 => fresh,
    ]
    .prop_map(|value| Str { value, span: S })
    .boxed()
}

fn comparison() -> impl Strategy<Value = Comparison> {
    (
        prop::sample::select(&Field::ALL[..]),
        prop::sample::select(&[Op::Eq, Op::Ne, Op::In, Op::NotIn][..]),
    )
        .prop_flat_map(|(field, op)| {
            let rhs = if op.takes_list() {
                prop::collection::vec(value(field), 1..4)
                    .prop_map(|items| Rhs::List(List { items, span: S }))
                    .boxed()
            } else {
                value(field).prop_map(Rhs::Value).boxed()
            };
            rhs.prop_map(move |rhs| Comparison {
                field,
                field_span: S,
                op,
                op_span: S,
                rhs,
                span: S,
            })
        })
}

fn paren(inner: Expr<Comparison>) -> Expr<Comparison> {
    Expr::Paren(Box::new(Paren { inner, span: S }))
}

/// Valid trees: the operands of a chain are conditions or parenthesised
/// expressions (AND and OR never mix without parentheses), and parentheses
/// nest far below the limit.
fn expr() -> impl Strategy<Value = Expr<Comparison>> {
    let leaf = comparison().prop_map(Expr::Leaf);
    leaf.prop_recursive(6, 40, 4, |inner| {
        let operand = prop_oneof![
            2 => comparison().prop_map(Expr::Leaf),
            1 => inner.clone().prop_map(paren),
        ];
        prop_oneof![
            1 => inner.prop_map(paren),
            2 => (any::<bool>(), prop::collection::vec(operand, 2..4)).prop_map(
                |(is_or, operands)| {
                    let c = Chain { operands, span: S };
                    if is_or { Expr::Or(c) } else { Expr::And(c) }
                }
            ),
        ]
    })
}

fn criteria() -> impl Strategy<Value = Criteria> {
    prop::option::weighted(0.95, expr()).prop_map(|expr| Criteria { expr, span: S })
}

/// Print with `ws` wherever the language allows whitespace (and needs it
/// around keywords): a layout other than house style.
fn layout(c: &Criteria, ws: &str) -> String {
    fn expr(out: &mut String, e: &Expr<Comparison>, ws: &str) {
        match e {
            Expr::Or(ch) | Expr::And(ch) => {
                let kw = if matches!(e, Expr::Or(_)) {
                    "OR"
                } else {
                    "AND"
                };
                for (i, op) in ch.operands.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&format!("{ws}{kw}{ws}"));
                    }
                    expr(out, op, ws);
                }
            }
            Expr::Paren(p) => {
                out.push_str(&format!("({ws}"));
                expr(out, &p.inner, ws);
                out.push_str(&format!("{ws})"));
            }
            Expr::Leaf(c) => {
                let op = c.op.as_str().replace(' ', ws);
                out.push_str(&format!("{}{ws}{op}{ws}", c.field.name()));
                let q = |s: &Str| format!("\"{}\"", s.value);
                match &c.rhs {
                    Rhs::Value(s) => out.push_str(&q(s)),
                    Rhs::List(l) => {
                        let items: Vec<String> = l.items.iter().map(q).collect();
                        out.push_str(&format!("[{ws}{}{ws}]", items.join(&format!("{ws},{ws}"))));
                    }
                }
            }
        }
    }
    let mut out = ws.to_owned();
    if let Some(e) = &c.expr {
        expr(&mut out, e, ws);
    }
    out.push_str(ws);
    out
}

/// The same selection written another way: chains reversed, every
/// condition in parentheses, `IN` lists as `OR`s of `=` and `NOT IN` lists
/// as `AND`s of `!=`.
fn rewrite(e: &Expr<Comparison>) -> Expr<Comparison> {
    match e {
        Expr::Or(ch) | Expr::And(ch) => {
            let operands = ch.operands.iter().rev().map(rewrite).collect();
            let c = Chain { operands, span: S };
            if matches!(e, Expr::Or(_)) {
                Expr::Or(c)
            } else {
                Expr::And(c)
            }
        }
        Expr::Paren(p) => paren(rewrite(&p.inner)),
        Expr::Leaf(c) => {
            let single = |op, s: &Str| {
                Expr::Leaf(Comparison {
                    op,
                    rhs: Rhs::Value(s.clone()),
                    ..c.clone()
                })
            };
            match (&c.rhs, c.op) {
                (Rhs::List(l), Op::In | Op::NotIn) if l.items.len() > 1 => {
                    let negated = c.op == Op::NotIn;
                    let op = if negated { Op::Ne } else { Op::Eq };
                    let operands = l.items.iter().map(|s| single(op, s)).collect();
                    let ch = Chain { operands, span: S };
                    paren(if negated { Expr::And(ch) } else { Expr::Or(ch) })
                }
                _ => paren(Expr::Leaf(c.clone())),
            }
        }
    }
}

/// The deepest nesting of parentheses in a tree.
fn depth(e: &Expr<Comparison>) -> usize {
    match e {
        Expr::Or(ch) | Expr::And(ch) => ch.operands.iter().map(depth).max().unwrap_or(0),
        Expr::Paren(p) => 1 + depth(&p.inner),
        Expr::Leaf(_) => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// House style parses back to the same tree; the tree and its normal
    /// form select the same; the canonical text is a fixed point.
    #[test]
    fn house_style_round_trips(c in criteria()) {
        let text = house(&c);
        let parsed = check_criteria(&text).map_err(|e| TestCaseError::fail(e.render(Some("house"))))?;
        prop_assert_eq!(parsed, c);
    }

    /// Whitespace anywhere it is allowed changes neither the tree nor the
    /// normal form.
    #[test]
    fn layout_does_not_matter(
        c in criteria(),
        ws in prop::sample::select(&[" ", "  ", "\n", "\t", " \r\n  "][..]),
    ) {
        let text = layout(&c, ws);
        let parsed = check_criteria(&text).map_err(|e| TestCaseError::fail(e.render(Some("layout"))))?;
        prop_assert_eq!(Selection::from_criteria(&parsed), Selection::from_criteria(&c));
        prop_assert_eq!(parsed, c);
    }

    /// Evaluation is invariant under normalisation, and criteria that mean
    /// the same normalise the same.
    #[test]
    fn rewriting_keeps_the_selection_and_the_normal_form(e in expr()) {
        let c = Criteria { expr: Some(e.clone()), span: S };
        let r = Criteria { expr: Some(rewrite(&e)), span: S };
        prop_assume!(depth(&rewrite(&e)) <= MAX_NESTING);
        let normal = Selection::from_criteria(&c);
        let (accounts, regions) = grid(&c);
        for a in &accounts {
            for g in &regions {
                prop_assert_eq!(evaluate(&c, a, g), normal.selects(a, g));
                prop_assert_eq!(evaluate(&r, a, g), evaluate(&c, a, g));
            }
        }
        prop_assert_eq!(Selection::from_criteria(&r), normal.clone());
        let reparsed = parse(&normal.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(Selection::from_criteria(&reparsed), normal);
    }

    /// Any text: the parser never panics, and errors point inside it.
    #[test]
    fn arbitrary_text_never_panics(text in r#"[@a-z.=!\[\]"', ()ANDORINT0-9\n-]{0,60}"#) {
        let _ = check_criteria(&text);
    }
}

// ---------------------------------------------------------------------------
// The command line.

#[cfg(feature = "cli")]
mod cli {
    use serde_json::Value;

    use crate::common::{code, run, stderr, stdout};

    #[test]
    fn prints_the_normal_form() {
        let o = run(
            &[
                "criteria",
                r#"(@aws.account = "222222222222") OR @aws.account IN ["111111111111"]"#,
            ],
            "",
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(
            stdout(&o),
            "@aws.account IN [\"111111111111\", \"222222222222\"]\n"
        );
        assert_eq!(stderr(&o), "");
    }

    #[test]
    fn reads_stdin_and_notes_what_selects_all_or_nothing() {
        let o = run(
            &["criteria"],
            "@aws.region = \"us-east-1\" AND @aws.region = \"eu-west-1\"\n",
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(
            stdout(&o),
            "@aws.region = \"eu-west-1\" AND @aws.region = \"us-east-1\"\n"
        );
        assert!(
            stderr(&o).contains("select no account in any Region"),
            "{}",
            stderr(&o)
        );
        let o = run(&["criteria", "-"], "\n");
        assert_eq!(code(&o), 0);
        assert_eq!(stdout(&o), "\n");
        assert!(
            stderr(&o).contains("empty criteria select every account"),
            "{}",
            stderr(&o)
        );
    }

    #[test]
    fn an_error_has_a_caret_and_exit_1() {
        let o = run(&["criteria", "@aws.region = 'us-east-1'"], "");
        assert_eq!(code(&o), 1);
        assert_eq!(stdout(&o), "");
        assert_eq!(
            stderr(&o),
            "error: single quotes do not delimit values\n --> criteria:1:15\n  |\n1 | @aws.region = 'us-east-1'\n  |               ^^^^^^^^^^^\n  = help: use double quotes: `\"us-east-1\"`\n"
        );
    }

    #[test]
    fn mixed_and_or_is_explained() {
        let o = run(
            &[
                "criteria",
                r#"@aws.account = "111111111111" OR @aws.account = "222222222222" AND @aws.region = "us-east-1""#,
            ],
            "",
        );
        assert_eq!(code(&o), 1);
        let e = stderr(&o);
        assert!(
            e.starts_with("error: `AND` follows `OR` in the same group\n"),
            "{e}"
        );
        assert!(
            e.contains("AWS does not document whether AND binds tighter than OR"),
            "{e}"
        );
    }

    #[test]
    fn says_whether_an_account_and_region_are_selected() {
        let c = r#"@aws.account NOT IN ["111111111111"] AND @aws.region = "us-east-1""#;
        let o = run(
            &[
                "criteria",
                "--account",
                "222222222222",
                "--region",
                "us-east-1",
                c,
            ],
            "",
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_eq!(stdout(&o), "selected: account 222222222222 in us-east-1\n");
        let o = run(
            &[
                "criteria",
                "--account",
                "111111111111",
                "--region",
                "us-east-1",
                c,
            ],
            "",
        );
        assert_eq!(code(&o), 1);
        assert_eq!(
            stdout(&o),
            "not selected: account 111111111111 in us-east-1\n"
        );
        let o = run(
            &[
                "criteria",
                "--account",
                "222222222222",
                "--region",
                "eu-west-1",
                c,
            ],
            "",
        );
        assert_eq!(code(&o), 1);
    }

    #[test]
    fn usage_errors_exit_2() {
        let o = run(
            &[
                "criteria",
                "--account",
                "12345",
                "--region",
                "us-east-1",
                "",
            ],
            "",
        );
        assert_eq!(code(&o), 2);
        assert!(
            stderr(&o).contains("`--account 12345` is not an account ID"),
            "{}",
            stderr(&o)
        );
        let o = run(
            &[
                "criteria",
                "--account",
                "111111111111",
                "--region",
                "US-EAST-1",
                "",
            ],
            "",
        );
        assert_eq!(code(&o), 2);
        assert!(
            stderr(&o).contains("is not a Region code"),
            "{}",
            stderr(&o)
        );
        let o = run(&["criteria", "--account", "111111111111", ""], "");
        assert_eq!(code(&o), 2, "--account needs --region");
    }

    #[test]
    fn json_output() {
        let o = run(
            &[
                "criteria",
                "--format",
                "json",
                r#"(@aws.region != "eu-west-1")"#,
            ],
            "",
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["ok"], true);
        assert_eq!(v["normal"], "@aws.region != \"eu-west-1\"");
        assert_eq!(v["extent"], "some");
        assert_eq!(v["ast"]["span"]["end"], 28);
        assert_eq!(v["ast"]["expr"]["op"], "paren");
        let leaf = &v["ast"]["expr"]["inner"];
        assert_eq!(leaf["op"], "leaf");
        assert_eq!(leaf["field"], "@aws.region");
        assert_eq!(leaf["operator"], "!=");
        assert_eq!(leaf["rhs"]["form"], "value");
        assert_eq!(leaf["rhs"]["value"], "eu-west-1");
        assert_eq!(leaf["rhs"]["span"]["start"], 16);
        assert!(v.get("selected").is_none());

        let o = run(
            &[
                "criteria",
                "--format",
                "json",
                "--account",
                "111111111111",
                "--region",
                "eu-west-1",
                r#"@aws.region != "eu-west-1""#,
            ],
            "",
        );
        assert_eq!(code(&o), 1);
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["ok"], true);
        assert_eq!(v["selected"], false);
        assert_eq!(v["account"], "111111111111");
        assert_eq!(v["region"], "eu-west-1");

        let o = run(
            &[
                "criteria",
                "--format",
                "json",
                "@aws.region == \"us-east-1\"",
            ],
            "",
        );
        assert_eq!(code(&o), 1);
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["ok"], false);
        assert_eq!(v["error"]["kind"], "double_equals");
        assert_eq!(v["error"]["start"], 12);
        assert_eq!(v["error"]["end"], 14);
        assert_eq!(v["error"]["help"], "use `=`");
        assert_eq!(v["error"]["message"], "`==` is not an operator");
    }
}
