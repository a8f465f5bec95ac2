//! The properties the pattern parser, printers and normal form must keep for
//! every input. Each check panics with a message naming the input when a
//! property fails, so the same code serves the fuzz targets, the replay of
//! saved fuzz findings and the property tests.
//!
//! - [`check_parse`]: parsing never panics; an error's span lies inside the
//!   input on character boundaries and its message is one line; every span of
//!   a parsed tree lies inside its parent and covers exactly the text of its
//!   token.
//! - [`check_roundtrip`]: `house(ast)` parses back to an equal tree with the
//!   same tokens, and is a fixed point of formatting; the normal form's
//!   canonical text parses back to the same normal form.
//! - [`check_normalize`]: the normal form is a fixed point of
//!   "print canonically, parse, normalise", and does not change when the
//!   pattern is re-laid out in house style.
//! - [`check_verdict`]: in every benchmark, classification agrees with
//!   comparing against the control it names; verdicts, `passes`,
//!   differences and the canonical text are consistent; and a house-style
//!   re-layout (whitespace only) gives the same comparison.
//! - [`check_lint`]: linting any set of files never panics; every location
//!   lies inside its file on character boundaries, and every output format
//!   renders.
//!
//! One allowance: printing may add whitespace and quotes, so a valid pattern
//! close to the 1024-character limit can print to a longer text that the
//! parser rightly rejects as too long. That outcome is accepted, and only
//! that one.

use cis_filters::cis::{BENCHMARKS, CLOSE_SCORE, MatchMode, Verdict, classify, compare};
use cis_filters::pattern::ast::{
    Ast, Condition, Expr, Field, FieldCond, Selector, Span, StepKind, Test, Value,
};
use cis_filters::pattern::error::MAX_PATTERN_CHARS;
use cis_filters::pattern::print::{house, tokens, value_text};
use cis_filters::pattern::{ErrorKind, Normal, ParseError, lexical_eq, normalize, parse};

/// Parse `text` and check the spans of the result, or of the error.
pub fn check_parse(text: &str) -> Result<Ast, ParseError> {
    let result = parse(text);
    match &result {
        Ok(ast) => check_tree_spans(text, ast),
        Err(e) => check_error(text, e),
    }
    result
}

/// The error refers to this input, points inside it and reads as one line.
pub fn check_error(text: &str, e: &ParseError) {
    let s = e.span();
    assert!(
        s.start <= s.end && s.end <= text.len(),
        "error span {}..{} outside the input ({} bytes) for {text:?}",
        s.start,
        s.end,
        text.len()
    );
    assert!(
        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
        "error span {}..{} not on character boundaries for {text:?}",
        s.start,
        s.end
    );
    assert_eq!(e.input(), text, "the error carries another input");
    assert!(!e.kind().code().is_empty());
    assert!(
        !e.message().is_empty() && !e.message().contains(['\n', '\r']),
        "the message of {text:?} is not one line: {:?}",
        e.message()
    );
    // Rendering must not panic, and must show the message.
    let rendered = e.render(Some("pattern"));
    assert!(rendered.contains(e.message()), "{rendered}");
}

/// Parse, print in house style, parse again: the trees and tokens agree.
/// Also checks that the normal form's canonical text parses back to it.
pub fn check_roundtrip(text: &str) {
    let Ok(ast) = check_parse(text) else { return };
    let printed = house(&ast);
    let Some(again) = reparse(text, &printed, "house style") else {
        return;
    };
    assert_eq!(
        again, ast,
        "house style changed the tree of {text:?}\n  printed: {printed:?}"
    );
    assert_eq!(
        tokens(&again),
        tokens(&ast),
        "house style changed the tokens of {text:?}\n  printed: {printed:?}"
    );
    assert!(lexical_eq(&ast, &again));
    assert_eq!(
        house(&again),
        printed,
        "house style is not a fixed point for {text:?}"
    );
    check_canonical_text(text, &Normal::from_ast(&ast));
}

/// The normal form survives its canonical text and a house-style re-layout.
pub fn check_normalize(text: &str) {
    let Ok(ast) = check_parse(text) else { return };
    let normal = Normal::from_ast(&ast);
    assert_eq!(
        Normal::from_ast_owned(ast.clone()),
        normal,
        "the normal form taken from the tree of {text:?} differs"
    );
    assert_eq!(normal.canonical(), normal.to_string());
    let canonical = check_canonical_text(text, &normal);
    if let Some(canonical) = canonical {
        assert_eq!(
            canonical.to_string(),
            normal.to_string(),
            "the canonical text of {text:?} is not a fixed point"
        );
    }
    let printed = house(&ast);
    if let Some(again) = reparse(text, &printed, "house style") {
        assert_eq!(
            Normal::from_ast(&again),
            normal,
            "house style changed the normal form of {text:?}\n  printed: {printed:?}"
        );
    }
}

/// Verdicts in every benchmark: classification names the control whose
/// comparison it reports, and every comparison is consistent with itself
/// and unchanged by re-spacing the pattern.
pub fn check_verdict(text: &str) {
    let parsed = parse(text);
    let respaced = parsed.as_ref().ok().map(house).filter(|h| parse(h).is_ok());
    for b in BENCHMARKS {
        let cl = classify(text, b, MatchMode::Normalized);
        assert_eq!(
            cl.best.is_some(),
            !cl.candidates.is_empty(),
            "{}: a best control without candidates, or the reverse, for {text:?}",
            b.name
        );
        if parsed.is_err() {
            assert!(cl.best.is_none(), "an invalid pattern classified: {text:?}");
        }
        for w in cl.candidates.windows(2) {
            assert!(
                w[0].score >= w[1].score,
                "candidates out of order for {text:?}"
            );
        }
        for c in &cl.candidates {
            assert!(
                c.score >= (CLOSE_SCORE * 1000.0).round() / 1000.0 && c.score <= 1.0,
                "{}: score {} for {text:?}",
                b.name,
                c.score
            );
        }
        if let (Some(best), Some(top)) = (&cl.best, cl.candidates.first()) {
            assert_eq!(best.control, top.control);
            let direct = compare(text, b, &best.control, MatchMode::Normalized);
            assert_eq!(
                Some(best),
                direct.as_ref(),
                "{}: classification and comparison disagree on {} for {text:?}",
                b.name,
                best.control
            );
            assert_eq!(
                top.score == 1.0,
                matches!(best.verdict, Verdict::Exact | Verdict::Equivalent),
                "{}: score {} with verdict {} for {text:?}",
                b.name,
                top.score,
                best.verdict
            );
        }
        for row in b.rows {
            let Some(c) = compare(text, b, row.control, MatchMode::Normalized) else {
                panic!("{}: row {} not found by its own id", b.name, row.control);
            };
            assert_eq!(c.verdict == Verdict::Invalid, parsed.is_err());
            assert_eq!(c.error.is_some(), parsed.is_err());
            assert!(
                row.canonical.contains(&c.canonical.as_str()),
                "{} {}: canonical text {:?} is not one of the row's",
                b.name,
                row.control,
                c.canonical
            );
            assert_eq!(
                c.passes,
                matches!(c.verdict, Verdict::Exact | Verdict::Equivalent)
            );
            assert_eq!(
                c.differences.is_empty(),
                c.verdict != Verdict::Different,
                "{} {}: verdict {} with differences {:?} for {text:?}",
                b.name,
                row.control,
                c.verdict,
                c.differences
            );
            if c.verdict == Verdict::Equivalent {
                let strict = compare(text, b, row.control, MatchMode::Strict);
                assert!(strict.is_some_and(|s| !s.passes && s.verdict == Verdict::Equivalent));
            }
            if let Some(h) = &respaced {
                let again = compare(h, b, row.control, MatchMode::Normalized);
                assert_eq!(
                    again.as_ref(),
                    Some(&c),
                    "{} {}: re-spacing changed the comparison of {text:?} (as {h:?})",
                    b.name,
                    row.control
                );
            }
        }
    }
}

/// The files a lint fuzz input stands for, in order: parts of the input
/// separated by this line.
pub const LINT_FILE_SEPARATOR: &[u8] = b"\n--8<--\n";

/// Parse `text` as YAML; decode every scalar with its map (each mapped
/// span inside the text); extract it as a CloudFormation template.
pub fn check_yaml(text: &str) {
    use cis_filters::lint::cfn;
    use cis_filters::lint::yaml::{self, Node};
    if let Ok(Some(root)) = yaml::parse(text) {
        let mut stack = vec![&root];
        while let Some(n) = stack.pop() {
            match n {
                Node::Scalar(s) => {
                    let t = yaml::scalar_text(s, text, 0, 0);
                    assert_eq!(t.as_str(), s.value);
                    if let Some(span) = t.source_span(0..t.as_str().len()) {
                        assert!(span.range.start <= span.range.end, "{span:?}");
                        assert!(span.range.end <= text.len(), "{span:?} past {}", text.len());
                    }
                }
                Node::Seq { items, .. } => stack.extend(items),
                Node::Map { entries, .. } => {
                    for (k, v) in entries {
                        stack.push(k);
                        stack.push(v);
                    }
                }
            }
        }
    }
    let unit = cfn::extract_template(cfn::Doc {
        id: 0,
        text,
        base: 0,
        json: text.trim_start().starts_with('{'),
    });
    for f in &unit.filters {
        assert!(f.anchor.range.end <= text.len(), "{:?}", f.anchor);
    }
}

/// Evaluate a Terraform module (and, after [`LINT_FILE_SEPARATOR`], a
/// module it may call as `./m`) through the linter: no panic, and every
/// location inside its file.
pub fn check_terraform(data: &[u8]) {
    use cis_filters::lint::terraform::{TfFile, extract_module};
    let (main, child) = match data
        .windows(LINT_FILE_SEPARATOR.len())
        .position(|w| w == LINT_FILE_SEPARATOR)
    {
        Some(p) => (&data[..p], &data[p + LINT_FILE_SEPARATOR.len()..]),
        None => (data, &[][..]),
    };
    let (Ok(main), Ok(child)) = (std::str::from_utf8(main), std::str::from_utf8(child)) else {
        return;
    };
    let unit = extract_module(&[TfFile {
        id: 0,
        text: main,
        base: 0,
        is_override: false,
    }]);
    for f in &unit.filters {
        assert!(f.anchor.range.end <= main.len(), "{:?}", f.anchor);
    }
    if !child.is_empty() {
        let mut input = main.as_bytes().to_vec();
        input.extend_from_slice(LINT_FILE_SEPARATOR);
        input.extend_from_slice(child.as_bytes());
        check_lint(&input);
    }
}

/// Names for the parts of a lint fuzz input: a module, a module it may
/// call (`./m`), a CloudFormation template and a Terraform JSON file.
pub const LINT_FILE_NAMES: &[&str] = &["main.tf", "m/main.tf", "t.yaml", "x.tf.json"];

/// Lint the parts of `data` as files: no panic, locations inside their
/// files, every output format renders.
pub fn check_lint(data: &[u8]) {
    use cis_filters::lint::model::SourceFile;
    use cis_filters::lint::{Options, lint};
    use cis_filters::report::lint as render;
    let mut files = Vec::new();
    let mut rest = data;
    for name in LINT_FILE_NAMES {
        let (part, after) = match rest
            .windows(LINT_FILE_SEPARATOR.len())
            .position(|w| w == LINT_FILE_SEPARATOR)
        {
            Some(p) => (&rest[..p], Some(&rest[p + LINT_FILE_SEPARATOR.len()..])),
            None => (rest, None),
        };
        files.push(SourceFile {
            path: (*name).to_owned(),
            bytes: part.to_vec(),
        });
        match after {
            Some(a) => rest = a,
            None => break,
        }
    }
    let report = lint(&files, &Options::default());
    let located = report
        .diagnostics
        .iter()
        .filter_map(|d| d.location.as_ref())
        .chain(report.filters.iter().map(|f| &f.location));
    for loc in located {
        let Some(file) = files.iter().find(|f| f.path == loc.path) else {
            panic!("a location in an unknown file {:?}", loc.path);
        };
        assert!(
            loc.byte_start <= loc.byte_end && loc.byte_end <= file.bytes.len(),
            "bytes {}..{} outside {} ({} bytes)",
            loc.byte_start,
            loc.byte_end,
            loc.path,
            file.bytes.len()
        );
        assert!(loc.line >= 1 && loc.column >= 1 && loc.end_line >= loc.line);
        if let Ok(text) = std::str::from_utf8(&file.bytes) {
            assert!(
                text.is_char_boundary(loc.byte_start) && text.is_char_boundary(loc.byte_end),
                "bytes {}..{} of {} not on character boundaries",
                loc.byte_start,
                loc.byte_end,
                loc.path
            );
        }
    }
    let _ = render::human(&report, false);
    let json: Result<serde_json::Value, _> = serde_json::from_str(&render::json(&report));
    assert!(json.is_ok(), "the JSON report does not parse");
    let sarif: Result<serde_json::Value, _> = serde_json::from_str(&render::sarif(&report));
    assert!(sarif.is_ok(), "the SARIF report does not parse");
    let _ = render::github(&report);
}

/// `normal`'s Display parses back to the same normal form; returns it.
fn check_canonical_text(text: &str, normal: &Normal) -> Option<Normal> {
    let canonical = normal.to_string();
    let again = reparse(text, &canonical, "canonical text")?;
    let renormal = Normal::from_ast(&again);
    assert_eq!(
        &renormal, normal,
        "the normal form of {text:?} does not survive its canonical text {canonical:?}"
    );
    assert_eq!(normalize(&canonical).ok().as_ref(), Some(normal));
    Some(renormal)
}

/// Parse text printed from `original`'s tree. `None` only when the printed
/// text is over the length limit (printing may add spaces and quotes).
fn reparse(original: &str, printed: &str, what: &str) -> Option<Ast> {
    match check_parse(printed) {
        Ok(ast) => Some(ast),
        Err(e)
            if matches!(e.kind(), ErrorKind::TooLong { .. })
                && printed.chars().count() > MAX_PATTERN_CHARS =>
        {
            None
        }
        Err(e) => panic!(
            "the {what} of {original:?} does not parse\n  printed: {printed:?}\n{}",
            e.render(Some(what))
        ),
    }
}

// ---------------------------------------------------------------------------
// Spans of a parsed tree.

/// Every span lies inside its parent, on character boundaries, and covers
/// exactly the text of its token.
pub fn check_tree_spans(text: &str, ast: &Ast) {
    let c = SpanCheck { text };
    let whole = Span::new(0, text.len());
    match ast {
        Ast::Empty { span } => {
            c.inside(*span, whole, "empty pattern");
            assert_eq!(
                span.start, span.end,
                "the empty pattern's span is not empty"
            );
        }
        Ast::Json(j) => {
            c.delimited_by(j.span, whole, "{", "}", "JSON pattern");
            c.expr(&j.expr, j.span, &|cond, parent| c.condition(cond, parent));
        }
        Ast::Delimited(d) => {
            c.delimited_by(d.span, whole, "[", "]", "space-delimited pattern");
            let mut last = d.span.start;
            for f in &d.fields {
                let span = match f {
                    Field::Ellipsis { span } => {
                        c.exact(*span, d.span, "...", "ellipsis");
                        *span
                    }
                    Field::Name(id) => {
                        c.exact(id.span, d.span, &id.name, "field name");
                        id.span
                    }
                    Field::Cond(e) => {
                        c.expr(e, d.span, &|fc, parent| c.field_cond(fc, parent));
                        expr_span(e, &|fc: &FieldCond| fc.span)
                    }
                };
                assert!(span.start >= last, "fields out of order in {text:?}");
                last = span.end;
            }
        }
        Ast::Terms(t) => {
            c.inside(t.span, whole, "terms");
            let mut last = t.span.start;
            for term in &t.terms {
                let written = format!("{}{}", term.prefix.as_str(), value_text(&term.value));
                c.exact(term.span, t.span, &written, "term");
                c.value(&term.value, term.span);
                assert!(term.span.start >= last, "terms out of order in {text:?}");
                last = term.span.end;
            }
        }
        Ast::Regex(r) => c.exact(r.span, whole, &format!("%{}%", r.body), "regex pattern"),
    }
}

fn expr_span<C>(e: &Expr<C>, leaf: &dyn Fn(&C) -> Span) -> Span {
    match e {
        Expr::Or(ch) | Expr::And(ch) => ch.span,
        Expr::Paren(p) => p.span,
        Expr::Leaf(l) => leaf(l),
    }
}

struct SpanCheck<'t> {
    text: &'t str,
}

impl SpanCheck<'_> {
    /// The text under `span`, which must lie inside `parent`.
    fn inside(&self, span: Span, parent: Span, what: &str) -> &str {
        let text = self.text;
        assert!(
            parent.start <= span.start && span.start <= span.end && span.end <= parent.end,
            "{what} span {}..{} is not inside {}..{} in {text:?}",
            span.start,
            span.end,
            parent.start,
            parent.end
        );
        match text.get(span.range()) {
            Some(s) => s,
            None => panic!(
                "{what} span {}..{} is not on character boundaries in {text:?}",
                span.start, span.end
            ),
        }
    }

    /// The span covers exactly `expected`.
    fn exact(&self, span: Span, parent: Span, expected: &str, what: &str) {
        let got = self.inside(span, parent, what);
        assert_eq!(
            got, expected,
            "{what} span {}..{} of {:?}",
            span.start, span.end, self.text
        );
    }

    /// The span starts with `open` and ends with `close`.
    fn delimited_by(&self, span: Span, parent: Span, open: &str, close: &str, what: &str) {
        let got = self.inside(span, parent, what);
        assert!(
            got.starts_with(open) && got.ends_with(close) && got.len() >= open.len() + close.len(),
            "{what} span {}..{} covers {got:?} in {:?}",
            span.start,
            span.end,
            self.text
        );
    }

    fn expr<C>(&self, e: &Expr<C>, parent: Span, leaf: &dyn Fn(&C, Span)) {
        // Explicit stack: the depth is bounded by the parser, but the checker
        // should not rely on it.
        let mut stack = vec![(e, parent)];
        while let Some((e, parent)) = stack.pop() {
            match e {
                Expr::Or(ch) | Expr::And(ch) => {
                    self.inside(ch.span, parent, "chain");
                    assert!(ch.operands.len() >= 2, "a chain with one operand");
                    stack.extend(ch.operands.iter().map(|o| (o, ch.span)));
                }
                Expr::Paren(p) => {
                    self.delimited_by(p.span, parent, "(", ")", "parenthesis");
                    stack.push((&p.inner, p.span));
                }
                Expr::Leaf(l) => leaf(l, parent),
            }
        }
    }

    fn condition(&self, c: &Condition, parent: Span) {
        self.inside(c.span, parent, "condition");
        self.selector(&c.selector, c.span);
        assert_eq!(
            c.selector.span.start, c.span.start,
            "a condition starts at its selector in {:?}",
            self.text
        );
        let (test_span, keywords): (Span, Option<(&str, &str)>) = match &c.test {
            Test::Compare { op, op_span, value } => {
                self.exact(*op_span, c.span, op.as_str(), "operator");
                self.value(value, c.span);
                assert!(op_span.start >= c.selector.span.end && value.span.start >= op_span.end);
                (op_span.to(value.span), None)
            }
            Test::IsNull { span } => (*span, Some(("IS", "NULL"))),
            Test::IsTrue { span } => (*span, Some(("IS", "TRUE"))),
            Test::IsFalse { span } => (*span, Some(("IS", "FALSE"))),
            Test::NotExists { span } => (*span, Some(("NOT", "EXISTS"))),
        };
        if let Some((first, second)) = keywords {
            let got = self.inside(test_span, c.span, "keyword test");
            let middle = got
                .strip_prefix(first)
                .and_then(|r| r.strip_suffix(second))
                .unwrap_or("x");
            assert!(
                !middle.is_empty() && middle.chars().all(|ch| " \t\r\n".contains(ch)),
                "keyword test span covers {got:?} in {:?}",
                self.text
            );
        }
        assert_eq!(
            test_span.end, c.span.end,
            "a condition ends with its test in {:?}",
            self.text
        );
    }

    fn selector(&self, s: &Selector, parent: Span) {
        let got = self.inside(s.span, parent, "selector");
        assert!(got.starts_with('$'), "selector covers {got:?}");
        assert!(!s.steps.is_empty(), "a selector without steps");
        let mut last = s.span.start + 1;
        for step in &s.steps {
            let written = self.inside(step.span, s.span, "selector step");
            assert_eq!(step.span.start, last, "a gap between selector steps");
            last = step.span.end;
            let ok = match &step.kind {
                StepKind::Field(n) => written.strip_prefix('.') == Some(n.as_str()),
                StepKind::Key(k) => written == format!(".['{k}']"),
                // Leading zeros are allowed in the source: compare the number.
                StepKind::Index(i) => {
                    written
                        .strip_prefix('[')
                        .and_then(|r| r.strip_suffix(']'))
                        .and_then(|d| d.parse::<u32>().ok())
                        == Some(*i)
                }
                StepKind::AnyIndex => written == "[*]",
                StepKind::AnyField => written == ".*",
            };
            assert!(
                ok,
                "step {:?} covers {written:?} in {:?}",
                step.kind, self.text
            );
        }
        assert_eq!(
            last, s.span.end,
            "the selector does not end at its last step"
        );
    }

    fn value(&self, v: &Value, parent: Span) {
        self.exact(v.span, parent, &value_text(v), "value");
    }

    fn field_cond(&self, fc: &FieldCond, parent: Span) {
        self.inside(fc.span, parent, "field condition");
        self.exact(fc.name.span, fc.span, &fc.name.name, "field name");
        self.exact(fc.op_span, fc.span, fc.op.as_str(), "operator");
        self.value(&fc.value, fc.span);
        assert_eq!(fc.span.start, fc.name.span.start);
        assert_eq!(fc.span.end, fc.value.span.end);
    }
}
