//! Calls of modules in local directories, and the values given to their
//! inputs.

use super::*;

/// A value given to a module input, evaluated in the calling module.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A string, mapped to where it is written.
    Str(Text),
    /// A number.
    Num(Text),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
    /// A list or tuple.
    List(Vec<Input>),
    /// A map or object.
    Obj(Vec<(String, Input)>),
}

/// The inputs of a module instance: each value known statically, or why
/// it is not.
pub type Inputs = Vec<(String, Result<Input, String>)>;

/// A call of a module in a local directory: `module "NAME" { source =
/// "./dir" … }`.
#[derive(Clone, Debug)]
pub struct ModuleCall {
    /// The module block's label.
    pub name: String,
    /// The `source`, a path relative to the calling module.
    pub source: String,
    /// The arguments other than the meta-arguments.
    pub inputs: Inputs,
}

/// Module-block arguments that are not inputs.
const META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
];

/// A module input as a value of the evaluator.
pub(super) fn input_val<'b>(i: &Input) -> Val<'b> {
    match i {
        Input::Str(t) => Val::Str(t.clone()),
        Input::Num(t) => Val::Num(t.clone()),
        Input::Bool(b) => Val::Bool(*b),
        Input::Null => Val::Null,
        Input::List(items) => Val::List(Rc::new(
            items.iter().map(|x| Thunk::Done(input_val(x))).collect(),
        )),
        Input::Obj(entries) => Val::Obj(Rc::new(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), Thunk::Done(input_val(v))))
                .collect(),
        )),
    }
}

impl<'b> Env<'b> {
    /// The calls a module block makes of a module in a local directory:
    /// one, or one per key of its `for_each` or index of its `count`
    /// (named `NAME["key"]`, `NAME[0]`), with the inputs evaluated here.
    pub(super) fn module_calls(&self, view: &View<'b>) -> Vec<ModuleCall> {
        let scope = Rc::new(Scope {
            src: view.src,
            bindings: vec![],
        });
        let (Some(name), Some(source)) = (
            label(view.block, 0),
            view.attr("source")
                .and_then(|(s, ssrc)| self.single_str(&s.value, &at(&scope, ssrc))),
        ) else {
            return Vec::new();
        };
        if !(source.starts_with("./") || source.starts_with("../")) {
            return Vec::new();
        }
        let instances = match (view.attr("for_each"), view.attr("count")) {
            (Some((fe, fsrc)), _) => self
                .for_each_instances(&fe.value, &at(&scope, fsrc), name)
                // Arguments that use `each` are then not known.
                .unwrap_or_else(|_| vec![(name.to_owned(), Rc::clone(&scope))]),
            (None, Some((c, csrc))) => self.count_instances(&c.value, csrc, name),
            (None, None) => vec![(name.to_owned(), Rc::clone(&scope))],
        };
        let args: Vec<(&'b Attribute, usize)> = view
            .attrs()
            .into_iter()
            .filter(|(a, _)| !META_ARGUMENTS.contains(&a.key.as_str()))
            .collect();
        instances
            .into_iter()
            .map(|(name, scope)| ModuleCall {
                name,
                source: source.clone(),
                inputs: args
                    .iter()
                    .map(|(a, asrc)| {
                        let value = match self.top(&a.value, &at(&scope, *asrc)).as_slice() {
                            [Alt { val: Ok(v), .. }] => self.to_input(v, 0),
                            [Alt { val: Err(e), .. }] => Err(e.clone()),
                            _ => Err(format!(
                                "the argument `{}` depends on a condition",
                                a.key.as_str()
                            )),
                        };
                        (a.key.as_str().to_owned(), value)
                    })
                    .collect(),
            })
            .collect()
    }

    /// A value with every member evaluated, to hand to another module.
    fn to_input(&self, v: &Val<'b>, depth: usize) -> Result<Input, String> {
        if depth > MAX_DEPTH {
            return Err("the value is nested too deeply".into());
        }
        self.step()?;
        if let Val::Str(t) = v {
            self.budget.bytes(t.heap_size())?;
        }
        let member = |t: &Thunk<'b>| match self.force(t, depth + 1).as_slice() {
            [Alt { val: Ok(v), .. }] => self.to_input(v, depth + 1),
            [Alt { val: Err(e), .. }] => Err(e.clone()),
            _ => Err("a member depends on a condition".to_owned()),
        };
        Ok(match v {
            Val::Str(t) => Input::Str(t.clone()),
            Val::Num(t) => Input::Num(t.clone()),
            Val::Bool(b) => Input::Bool(*b),
            Val::Null => Input::Null,
            Val::List(items) => Input::List(items.iter().map(member).collect::<Result<_, _>>()?),
            Val::Obj(entries) => Input::Obj(
                entries
                    .iter()
                    .map(|(k, t)| member(t).map(|v| (k.clone(), v)))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }
}
