//! The native renderer's command line: real photo in, PNG and CSV out,
//! clear errors for bad input.

use std::process::Command;

fn smp_render() -> Command {
    Command::new(env!("CARGO_BIN_EXE_smp-render"))
}

#[test]
fn renders_a_photo_and_writes_the_dots() {
    let dir = std::env::temp_dir().join(format!("smp-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let photo = format!("{}/www/assets/sample-01.jpg", env!("CARGO_MANIFEST_DIR"));
    let out = dir.join("out.png");
    let csv = dir.join("dots.csv");
    let status = smp_render()
        .args([
            &photo,
            "-o",
            out.to_str().unwrap(),
            "--density",
            "80",
            "--seed",
            "7",
            "--dots",
            csv.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let img = image::open(&out).unwrap();
    assert_eq!((img.width(), img.height()), (1080, 1080));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("x,y,diameter_px,rank"));
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    assert!(rows.len() > 2000, "{} dots", rows.len());
    assert!(rows
        .iter()
        .all(|r| r.len() == 4 && r[2] > 0.0 && r[2] < 32.0 * 0.1 && (0.0..1.0).contains(&r[3])));
}

#[test]
fn unreadable_input_fails_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("smp-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("notes.jpg");
    std::fs::write(&bad, "this is text, not a photo").unwrap();
    let out = smp_render()
        .args([bad.to_str().unwrap(), "-o", "/tmp/never.png"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("not a readable JPEG or PNG"), "{msg}");
    let out = smp_render()
        .args(["/nonexistent/photo.jpg", "-o", "/tmp/never.png"])
        .output()
        .unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("cannot open"));
    let out = smp_render()
        .args(["x.jpg", "-o", "y.png", "--density", "900"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
