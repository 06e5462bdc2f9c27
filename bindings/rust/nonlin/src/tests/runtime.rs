//! Version, instruction sets, threads, the error messages, and calls from
//! many threads at once.
use super::{settings, Rng};
use crate::{Error, Isa, Shape};
use nonlin_sys as sys;
use std::ffi::CStr;

#[test]
fn version_matches_the_header_and_the_version_string() {
    let v = crate::version();
    assert_eq!(v.major, sys::NONLIN_VERSION_MAJOR);
    // SAFETY: a static string.
    let s = unsafe { CStr::from_ptr(sys::nonlin_version_string()) };
    assert_eq!(v.to_string(), s.to_str().unwrap());
}

#[test]
fn every_error_has_the_c_library_message() {
    let errors = [
        Error::NullPointer,
        Error::BadShape,
        Error::Overlap,
        Error::BadTarget,
        Error::BadArgument,
        Error::Unsupported,
        Error::Unknown(99),
    ];
    for e in errors {
        let status = e.status().unwrap();
        assert_eq!(Error::from_status(status), Some(e));
        // SAFETY: any value; a static string.
        let message = unsafe { CStr::from_ptr(sys::nonlin_status_string(status)) };
        assert_eq!(e.to_string(), message.to_str().unwrap());
    }
    assert_eq!(Error::Unknown(99).to_string(), "unknown status");
    let e = Error::Length {
        argument: "dy",
        expected: 4,
        found: 3,
    };
    assert_eq!(e.status(), None);
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(e);
    assert_eq!(boxed.to_string(), "slice `dy` has 3 elements, expected 4");
}

#[test]
fn instruction_sets_can_be_forced_and_give_results_within_the_bounds() {
    let _settings = settings();
    let best = crate::isa();
    let x: Vec<f32> = (0..100).map(|i| i as f32 / 10.0 - 5.0).collect();
    for isa in Isa::KNOWN {
        match crate::set_isa(Some(isa)) {
            Ok(()) => {
                assert_eq!(crate::isa(), isa);
                let mut y = vec![0.0_f32; 100];
                crate::sigmoid(&x, &mut y).unwrap();
                for (a, b) in x.iter().zip(&y) {
                    assert!(
                        (1.0 / (1.0 + (-*a as f64).exp()) - *b as f64).abs() < 1e-7,
                        "{} at {}",
                        isa,
                        a
                    );
                }
            }
            Err(e) => assert_eq!(e, Error::Unsupported, "{}", isa),
        }
    }
    assert_eq!(
        crate::set_isa(Some(Isa::Other("z80"))),
        Err(Error::BadArgument)
    );
    assert_eq!(
        crate::set_isa(Some(Isa::Other("sse2\0"))),
        Err(Error::BadArgument)
    );
    assert_eq!(crate::set_isa(Some(Isa::Scalar)), Ok(()));
    crate::set_isa(None).unwrap();
    assert_eq!(crate::isa(), best);
}

#[test]
fn thread_settings_do_not_change_results_and_calls_run_from_many_threads() {
    let _settings = settings();
    let mut rng = Rng::new(23);
    let shape = Shape::rows(512, 1024);
    let x: Vec<f32> = (0..shape.len().unwrap())
        .map(|_| rng.uniform(-20.0, 20.0))
        .collect();
    let run = |x: &[f32]| {
        let mut y = vec![0.0_f32; x.len()];
        crate::softmax(x, &mut y, shape).unwrap();
        crate::gelu_inplace(&mut y).unwrap();
        y.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    };
    crate::set_num_threads(1).unwrap();
    assert_eq!(crate::num_threads(), 1);
    let one = run(&x);
    crate::set_num_threads(0).unwrap();
    assert!(crate::num_threads() >= 1);
    assert_eq!(run(&x), one);
    assert_eq!(
        crate::set_num_threads(i32::MAX as usize + 1),
        Err(Error::BadArgument)
    );
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4).map(|_| scope.spawn(|| run(&x))).collect();
        for h in handles {
            assert!(h.join().unwrap() == one);
        }
    });
}

#[test]
fn the_public_types_can_cross_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Error>();
    send_sync::<Shape>();
    send_sync::<Isa>();
    send_sync::<crate::Reduction>();
    send_sync::<crate::Version>();
}

#[test]
fn every_isa_of_the_library_list_has_a_variant() {
    // src/isa/isa_list.def is the one list of instruction sets.
    const LIST: &str = include_str!("../../../../../src/isa/isa_list.def");
    let names: Vec<&'static str> = LIST
        .lines()
        .filter_map(|line| line.strip_prefix("NONLIN_ISA("))
        .map(|rest| rest.split(',').next().unwrap().trim())
        .collect();
    assert!(names.contains(&"scalar"), "no ISA read from isa_list.def");
    for name in names {
        assert!(
            !matches!(Isa::from_name(name), Isa::Other(_)),
            "{} has no Isa variant",
            name
        );
    }
}
