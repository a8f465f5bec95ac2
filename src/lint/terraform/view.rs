//! Override files: a block as Terraform sees it after merging them.

use hcl_edit::structure::{Attribute, Block, Body};

use super::{TfFile, is_override};

/// A top-level block as Terraform sees it after merging override files: the
/// block of a primary file, and the blocks of override files with the same
/// type and labels, in the order they apply. An argument of an override
/// replaces the argument of the same name; nested blocks of a type that an
/// override has replace all the blocks of that type.
pub(super) struct View<'b> {
    pub(super) block: &'b Block,
    /// The file of `block`.
    pub(super) src: usize,
    /// The override blocks, with their files.
    over: Vec<(&'b Block, usize)>,
}

impl<'b> View<'b> {
    /// Block `block` of type `ty` in file `src`, merged with the blocks of
    /// the same type and labels in the override files.
    pub(super) fn merged(
        files: &[TfFile<'_>],
        bodies: &'b [(usize, Body)],
        ty: &str,
        block: &'b Block,
        src: usize,
    ) -> Self {
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        let over = bodies
            .iter()
            .filter(|(src, _)| is_override(files, *src))
            .flat_map(|(src, body)| {
                body.blocks()
                    .filter(move |b| b.ident.as_str() == ty)
                    .map(move |b| (b, *src))
            })
            .filter(|(b, _)| {
                b.labels.len() == labels.len()
                    && b.labels.iter().zip(&labels).all(|(l, x)| l.as_str() == *x)
            })
            .collect();
        View { block, src, over }
    }

    /// Argument `name`, from the last override that sets it, and its file.
    pub(super) fn attr(&self, name: &str) -> Option<(&'b Attribute, usize)> {
        self.over
            .iter()
            .rev()
            .chain(std::iter::once(&(self.block, self.src)))
            .find_map(|(b, src)| b.body.get_attribute(name).map(|a| (a, *src)))
    }

    /// The nested blocks of type `ty`, from the last override that has
    /// any, and their file.
    pub(super) fn blocks(&self, ty: &str) -> Vec<(&'b Block, usize)> {
        for (b, src) in self.over.iter().rev() {
            let found: Vec<(&'b Block, usize)> = b
                .body
                .blocks()
                .filter(|x| x.ident.as_str() == ty)
                .map(|x| (x, *src))
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
        self.block
            .body
            .blocks()
            .filter(|x| x.ident.as_str() == ty)
            .map(|x| (x, self.src))
            .collect()
    }

    /// Every argument after merging, in the original's order then the
    /// overrides' new ones.
    pub(super) fn attrs(&self) -> Vec<(&'b Attribute, usize)> {
        let mut names: Vec<&'b str> = Vec::new();
        for b in std::iter::once(self.block).chain(self.over.iter().map(|(b, _)| *b)) {
            for a in b.body.attributes() {
                if !names.contains(&a.key.as_str()) {
                    names.push(a.key.as_str());
                }
            }
        }
        names.into_iter().filter_map(|n| self.attr(n)).collect()
    }

    /// The types of the nested blocks after merging.
    pub(super) fn block_types(&self) -> Vec<&'b str> {
        let mut types: Vec<&'b str> = Vec::new();
        for b in std::iter::once(self.block).chain(self.over.iter().map(|(b, _)| *b)) {
            for x in b.body.blocks() {
                if !types.contains(&x.ident.as_str()) {
                    types.push(x.ident.as_str());
                }
            }
        }
        types
    }
}
