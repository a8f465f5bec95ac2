//! Stage 2, extract: the units a run lints — one per CloudFormation
//! template or `.tf.json` file, one per Terraform module directory, and one
//! per instance of a local module called with its inputs.

use std::collections::BTreeMap;

use super::load::{FileKind, Loaded};
use super::model::Unit;
use super::{Limits, cfn, terraform};

/// The units of the loaded files, in file order, then Terraform module
/// directories in path order, then module instances.
pub(super) fn units(files: &[Loaded<'_>], kinds: &[Option<FileKind>], limits: Limits) -> Vec<Unit> {
    let mut modules: BTreeMap<&str, Vec<terraform::TfFile<'_>>> = BTreeMap::new();
    let mut units: Vec<Unit> = Vec::new();
    for (id, l) in files.iter().enumerate() {
        if l.text.is_empty() {
            continue;
        }
        let doc = |json: bool| cfn::Doc {
            id,
            text: l.text,
            base: l.base,
            json,
        };
        match kinds.get(id).copied().flatten() {
            Some(FileKind::Terraform) => {
                let dir = l
                    .path
                    .rfind(['/', '\\'])
                    .map_or("", |p| l.path.get(..p).unwrap_or(""));
                modules.entry(dir).or_default().push(terraform::TfFile {
                    id,
                    text: l.text,
                    base: l.base,
                    is_override: terraform::is_override_file(l.path),
                });
            }
            Some(FileKind::TerraformJson) if terraform::mentions_lintable(l.text) => {
                units.push(terraform::extract_tf_json(doc(true)));
            }
            Some(FileKind::Yaml | FileKind::Json) if cfn::mentions_lintable(l.text) => {
                let json = l.text.trim_start().starts_with('{');
                units.push(cfn::extract_template(doc(json)));
            }
            _ => {}
        }
    }
    let budget = terraform::Budget::new(limits);
    terraform::instances::module_units(&modules, &budget, &mut units);
    units
}
