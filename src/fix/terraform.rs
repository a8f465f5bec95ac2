//! stub
use super::model::Plan;
/// stub
pub fn render(_p: &Plan) -> String {
    String::new()
}
