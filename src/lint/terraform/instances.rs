//! Terraform module instancing: each local module called with its
//! inputs, de-duplicated as instances are made.

use std::collections::BTreeMap;

use super::{Budget, Inputs, ModuleCall, ParsedModule, TfFile, mentions_lintable};
use crate::lint::model::{Filter, Metric, PatternValue, Unit};
use crate::lint::text::FileId;

/// The units of Terraform module directories (`modules`: files by
/// directory), added to `units`: each directory on its own, then the
/// instances of the local modules it calls, with their inputs. Each
/// directory is parsed once, for itself and for its instances.
pub(in crate::lint) fn module_units(
    modules: &BTreeMap<&str, Vec<TfFile<'_>>>,
    budget: &Budget,
    units: &mut Vec<Unit>,
) {
    let mut by_dir: BTreeMap<String, ParsedModule<'_>> = BTreeMap::new();
    let mut calls_of: Vec<(String, Vec<ModuleCall>)> = Vec::new();
    for (dir, files) in modules {
        let lintable = files.iter().any(|f| mentions_lintable(f.text));
        if !lintable && !files.iter().any(|f| f.text.contains("module")) {
            continue;
        }
        let module = ParsedModule::new(files);
        let (unit, calls) = module.extract(&Vec::new(), "", budget);
        if lintable {
            units.push(unit);
        }
        let dir = normal_dir(dir);
        if !calls.is_empty() {
            calls_of.push((dir.clone(), calls));
        }
        by_dir.entry(dir).or_insert(module);
    }
    let called: Vec<String> = calls_of
        .iter()
        .flat_map(|(dir, calls)| calls.iter().filter_map(|c| join_dir(dir, &c.source)))
        .collect();
    let mut inst = Instancing {
        by_dir: &by_dir,
        budget,
        seen: units
            .iter()
            .flat_map(|u| u.filters.iter().map(filter_key))
            .collect(),
        done: Vec::new(),
        count: 0,
        out: Vec::new(),
    };
    for (dir, calls) in &calls_of {
        if !called.contains(dir) {
            inst.instantiate(dir, calls, "", &mut vec![dir.clone()]);
        }
    }
    merge_instances(units, inst.out);
}

/// At most this many module instances are linted, and modules nest at most
/// this deep.
const MAX_INSTANCES: usize = 256;
const MAX_MODULE_DEPTH: usize = 8;

/// A directory path with `.` and `..` resolved and `/` separators.
pub(in crate::lint) fn normal_dir(dir: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in dir.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if dir.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// The directory a local module `source` names, from the calling module's
/// directory (both normal).
pub(in crate::lint) fn join_dir(dir: &str, source: &str) -> Option<String> {
    let joined = if dir.is_empty() {
        source.to_owned()
    } else {
        format!("{dir}/{source}")
    };
    let d = normal_dir(&joined);
    // Above the directories given: not among the linted files.
    (d != dir).then_some(d)
}

/// What identifies a filter's finding: where the resource is, the branch,
/// the pattern and the metric. An instance's filter with the key of a
/// filter of its directory on its own adds nothing.
type FilterKey = (
    FileId,
    usize,
    Option<String>,
    Result<String, String>,
    Option<Metric>,
);

fn filter_key(f: &Filter) -> FilterKey {
    let pattern = match &f.pattern {
        PatternValue::Known(t) => Ok(t.as_str().to_owned()),
        PatternValue::Unknown(why) => Err(why.clone()),
    };
    (
        f.file,
        f.extent.start,
        f.variant.clone(),
        pattern,
        f.metric.clone(),
    )
}

/// The instances of local modules, made one at a time and de-duplicated as
/// they are made.
struct Instancing<'r, 'a> {
    by_dir: &'r BTreeMap<String, ParsedModule<'a>>,
    budget: &'r Budget,
    /// The keys of the filters of every directory on its own.
    seen: std::collections::HashSet<FilterKey>,
    /// The instances made: the module's directory and its inputs. Another
    /// call of the same directory with the same inputs would give the same
    /// filters again; it is linted once, under the first call's name.
    done: Vec<(String, Inputs)>,
    /// How many instances were made.
    count: usize,
    out: Vec<Unit>,
}

impl Instancing<'_, '_> {
    /// Lint the instances of the local modules that `calls` (made in `dir`)
    /// name, and of the modules those call, with their inputs.
    fn instantiate(
        &mut self,
        dir: &str,
        calls: &[ModuleCall],
        prefix: &str,
        path: &mut Vec<String>,
    ) {
        for call in calls {
            let Some(child) = join_dir(dir, &call.source) else {
                continue;
            };
            let Some(module) = self.by_dir.get(&child) else {
                continue;
            };
            if self.count >= MAX_INSTANCES || path.len() > MAX_MODULE_DEPTH || path.contains(&child)
            {
                continue;
            }
            if self
                .done
                .iter()
                .any(|(d, inputs)| *d == child && *inputs == call.inputs)
            {
                continue;
            }
            self.done.push((child.clone(), call.inputs.clone()));
            self.count += 1;
            let prefix = format!("{prefix}module.{}.", call.name);
            let (mut unit, sub) = module.extract(&call.inputs, &prefix, self.budget);
            unit.filters.retain(|f| !self.seen.contains(&filter_key(f)));
            self.out.push(unit);
            path.push(child.clone());
            self.instantiate(&child, &sub, &prefix, path);
            path.pop();
        }
    }
}

/// Add the module instances to the units (each file or module directory
/// on its own). A directory's filter whose pattern is not known there is
/// dropped where an instance knows it.
fn merge_instances(units: &mut Vec<Unit>, instances: Vec<Unit>) {
    if instances.is_empty() {
        return;
    }
    let known: std::collections::HashSet<(FileId, usize)> = instances
        .iter()
        .flat_map(|u| &u.filters)
        .filter(|f| matches!(f.pattern, PatternValue::Known(_)))
        .map(|f| (f.file, f.extent.start))
        .collect();
    for u in units.iter_mut() {
        u.filters.retain(|f| {
            !(matches!(f.pattern, PatternValue::Unknown(_))
                && known.contains(&(f.file, f.extent.start)))
        });
    }
    units.extend(instances);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths() {
        assert_eq!(normal_dir("a/./b/../c"), "a/c");
        assert_eq!(normal_dir("../x/y/.."), "../x");
        assert_eq!(normal_dir(r"a\b"), "a/b");
        assert_eq!(normal_dir("/abs/x/"), "/abs/x");
        assert_eq!(
            join_dir("live", "../modules/cis").as_deref(),
            Some("modules/cis")
        );
        assert_eq!(join_dir("", "./m").as_deref(), Some("m"));
        assert_eq!(join_dir("a", "./").as_deref(), None);
    }
}
