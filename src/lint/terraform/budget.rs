//! The evaluation budget: what static evaluation may spend on one value
//! and on the whole run.

use std::cell::Cell;

use crate::lint::Limits;

/// What static evaluation may spend, for one value and for the whole run
/// (the bounds are [`Limits`]). Every step of evaluation and every string
/// built is charged; when a value's share is spent, that value is not known
/// ("too large to evaluate"); when the run's is, nothing more is evaluated
/// and the modules concerned get a file error.
#[derive(Debug)]
pub struct Budget {
    limits: Limits,
    /// Steps of the value being evaluated.
    steps: Cell<usize>,
    /// Bytes of strings built for the value being evaluated.
    bytes: Cell<usize>,
    /// Steps of the run.
    run_steps: Cell<usize>,
    /// Filters produced in the run.
    filters: Cell<usize>,
}

impl Budget {
    /// A fresh budget.
    pub fn new(limits: Limits) -> Self {
        Budget {
            limits,
            steps: Cell::new(0),
            bytes: Cell::new(0),
            run_steps: Cell::new(0),
            filters: Cell::new(0),
        }
    }

    /// Start evaluating one value.
    pub(super) fn start(&self) {
        self.steps.set(0);
        self.bytes.set(0);
    }

    /// Charge one step.
    pub(super) fn step(&self) -> Result<(), String> {
        self.run_steps.set(self.run_steps.get().saturating_add(1));
        self.steps.set(self.steps.get().saturating_add(1));
        if self.run_steps.get() > self.limits.run_steps {
            Err(self.run_message())
        } else if self.steps.get() > self.limits.eval_steps {
            Err(format!(
                "the value is too large to evaluate (more than {} evaluation steps); the pattern is unknown",
                self.limits.eval_steps
            ))
        } else {
            Ok(())
        }
    }

    /// Charge `n` bytes of strings built.
    pub(super) fn bytes(&self, n: usize) -> Result<(), String> {
        self.bytes.set(self.bytes.get().saturating_add(n));
        if self.bytes.get() > self.limits.eval_bytes {
            Err(format!(
                "the value is too large to evaluate (more than {} bytes of strings); the pattern is unknown",
                self.limits.eval_bytes
            ))
        } else {
            Ok(())
        }
    }

    /// Take one filter from the run's allowance; false when it is spent.
    pub fn take_filter(&self) -> bool {
        self.filters.set(self.filters.get().saturating_add(1));
        self.filters.get() <= self.limits.filters
    }

    /// Why the run's allowance is spent, if it is.
    pub fn run_spent(&self) -> Option<String> {
        if self.run_steps.get() > self.limits.run_steps {
            Some(self.run_message())
        } else if self.filters.get() > self.limits.filters {
            Some(format!(
                "the run has more than {} filter instances, the most one run evaluates",
                self.limits.filters
            ))
        } else {
            None
        }
    }

    fn run_message(&self) -> String {
        format!(
            "the run's evaluation budget ({} steps) is spent",
            self.limits.run_steps
        )
    }
}
