//! Lint CloudWatch Logs filter patterns where they are written: Terraform
//! and CloudFormation.

pub mod cfn;
pub mod model;
pub mod terraform;
pub mod text;
pub mod yaml;
