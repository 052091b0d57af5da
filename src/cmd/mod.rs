//! One module per subcommand.
pub mod demo;
pub mod profiles;
pub mod synth;
pub mod validate;
