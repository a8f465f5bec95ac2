//! The work bound of one comparison.

/// Work left for one comparison: every product state explored and every
/// search step costs one unit.
#[derive(Clone, Debug)]
pub struct Budget {
    left: u64,
}

/// The work bound of one comparison was reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exhausted(pub String);

impl Budget {
    /// A budget of `units`.
    pub fn new(units: u64) -> Budget {
        Budget { left: units }
    }

    /// Spend `n` units; an error once the budget is gone.
    pub fn spend(&mut self, n: u64, what: &str) -> Result<(), Exhausted> {
        if self.left < n {
            self.left = 0;
            return Err(Exhausted(what.to_owned()));
        }
        self.left -= n;
        Ok(())
    }
}
