//! The diagnosis as a library call: `diagnose` in Rust and `as_client_diagnose` in C give
//! the same report (JSON and text), never create a payment, never show the terminal id,
//! and refuse NULL where a pointer is required.

mod common;

use std::ffi::{CStr, CString};

use authsignal_terminal::ffi::as_result;
use authsignal_terminal::ffi::diagnose::{
    as_client_diagnose, as_diagnosis_free, as_diagnosis_json, as_diagnosis_passed,
    as_diagnosis_text,
};
use authsignal_terminal::{diagnose, Client, ClientOptions, Setting, Verdict};
use authsignal_terminal_sim::{Config, Simulator};

use common::{assert_secret_kept, c_client, capture_logs, NORMAL, SECRET};

fn text(ptr: *const std::ffi::c_char) -> String {
    assert!(!ptr.is_null());
    // SAFETY: a NUL-terminated string borrowed from a live diagnosis.
    unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_string()
}

#[test]
fn rust_diagnosis_of_the_simulator() {
    capture_logs();
    let sim = Simulator::start(Config::default()).unwrap();
    let mut options = ClientOptions::new();
    options.set_base_url(sim.base_url()).unwrap();
    options.set_ca_file(sim.ca_file().unwrap()).unwrap();
    let client = Client::new(&options).unwrap();
    let id = format!("{SECRET}_diag");
    let report = diagnose(&client, Some(&id), &[(Setting::BaseUrl, "the test")]);
    assert!(report.passed, "{}", report.to_text());
    let names: Vec<&str> = report.checks.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "config",
            "proxy",
            "dns",
            "tcp",
            "tls",
            "clock",
            "terminal_id"
        ]
    );
    assert!(report.checks.iter().all(|c| c.verdict == Verdict::Ok));
    let base = &report.config.settings[0];
    assert_eq!((base.name, base.source.as_str()), ("base_url", "the test"));
    let ca = report.config.settings.iter().find(|s| s.name == "ca_file");
    assert_eq!(ca.unwrap().source, "set by the program");
    assert_eq!(report.tls.as_ref().unwrap().trust_store, Some("ca_file"));
    assert_eq!(report.terminal_id.as_ref().unwrap().accepted, Some(true));
    assert_eq!(sim.terminal_stats(&id).creates, 0);
    for text in [report.to_json(), report.to_text()] {
        assert!(!text.contains(SECRET));
        assert!(text.contains("…diag"));
    }
    assert_secret_kept();
}

#[test]
fn c_diagnosis_gives_json_and_text() {
    let sim = Simulator::start(Config::default()).unwrap();
    let client = c_client(sim.base_url(), sim.ca_file(), NORMAL);
    let unpaired = CString::new(format!("unpaired_{SECRET}")).unwrap();
    let mut d = std::ptr::null_mut();
    assert_eq!(
        unsafe { as_client_diagnose(client.0, unpaired.as_ptr(), &mut d) },
        as_result::Ok
    );
    assert!(
        !unsafe { as_diagnosis_passed(d) },
        "a refused id fails the diagnosis"
    );
    let json: serde_json::Value =
        serde_json::from_str(&text(unsafe { as_diagnosis_json(d) })).unwrap();
    assert_eq!(json["passed"], false);
    assert_eq!(json["terminal_id"]["accepted"], false);
    assert_eq!(json["checks"][6]["name"], "terminal_id");
    assert_eq!(json["checks"][6]["verdict"], "fail");
    let human = text(unsafe { as_diagnosis_text(d) });
    assert!(human.contains("[ fail ] terminal_id"), "{human}");
    assert!(human.contains("No payment was started."));
    assert!(!human.contains(SECRET) && !json.to_string().contains(SECRET));
    unsafe { as_diagnosis_free(d) };

    // No terminal id: that check is skipped, the rest pass.
    assert_eq!(
        unsafe { as_client_diagnose(client.0, std::ptr::null(), &mut d) },
        as_result::Ok
    );
    assert!(unsafe { as_diagnosis_passed(d) });
    unsafe { as_diagnosis_free(d) };
    assert_eq!(
        sim.stats().requests,
        3,
        "two clock reads and one GET, never a create"
    );
}

#[test]
fn c_diagnosis_refuses_null() {
    let mut d = std::ptr::null_mut();
    assert_eq!(
        unsafe { as_client_diagnose(std::ptr::null(), std::ptr::null(), &mut d) },
        as_result::InvalidArgument
    );
    assert!(d.is_null());
    let sim = Simulator::start(Config {
        tls: false,
        ..Config::default()
    })
    .unwrap();
    let client = c_client(sim.base_url(), None, NORMAL);
    assert_eq!(
        unsafe { as_client_diagnose(client.0, std::ptr::null(), std::ptr::null_mut()) },
        as_result::InvalidArgument
    );
    let bad = b"\xff\xfe\0";
    assert_eq!(
        unsafe { as_client_diagnose(client.0, bad.as_ptr().cast(), &mut d) },
        as_result::InvalidArgument
    );
    assert!(d.is_null());
    assert!(unsafe { as_diagnosis_json(std::ptr::null()) }.is_null());
    assert!(unsafe { as_diagnosis_text(std::ptr::null()) }.is_null());
    assert!(!unsafe { as_diagnosis_passed(std::ptr::null()) });
    unsafe { as_diagnosis_free(std::ptr::null_mut()) };
}
