//! `fieldSelectionCriteria`: `cis-filters criteria` on the real binary.

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
