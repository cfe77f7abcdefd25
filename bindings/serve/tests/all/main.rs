//! wastecheck-serve's tests, in one test binary so the stack is linked once.

mod faults;
mod openapi;
mod sandbox;
mod serve;
