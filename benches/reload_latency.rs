//! Time from saving one page to the preview's reload event.
//!
//!     benches/run.sh 10000        # prepares /dev/shm/broadside-bench/site-10000
//!     cargo run --release --example reload_latency -- /dev/shm/broadside-bench/site-10000 [runs]
//!
//! Starts `broadside serve` on the site, listens to its event stream, then
//! edits one page's body `runs` times and prints the median, minimum and
//! maximum time from the write to the `reload` event.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: reload_latency SITE_DIR [runs]"));
    let runs: usize = args
        .next()
        .map_or(10, |r| r.parse().expect("runs is a number"));
    let page = first_page(&root.join("content")).expect("a Markdown page under content/");
    let original = std::fs::read_to_string(&page).unwrap();

    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/broadside");
    let started = Instant::now();
    let mut server = Command::new(binary)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run target/release/broadside (cargo build --release first)");
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let address = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the serve banner")
        .to_string();
    println!(
        "first build and start: {} ms",
        started.elapsed().as_millis()
    );
    std::thread::spawn(move || for _ in lines {});

    let mut stream = TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "GET /__broadside/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(stream);

    let mut timings = Vec::new();
    for run in 0..runs {
        std::thread::sleep(Duration::from_millis(300));
        let t0 = Instant::now();
        std::fs::write(&page, format!("{original}\n\nEdit number {run}.\n")).unwrap();
        wait_for(&mut events, "event: reload");
        timings.push(t0.elapsed());
    }
    std::fs::write(&page, original).unwrap();
    let _ = server.kill();
    let _ = server.wait();

    timings.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "save -> reload over {runs} edits of {}: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        page.display(),
        ms(timings[timings.len() / 2]),
        ms(timings[0]),
        ms(timings[timings.len() - 1])
    );
}

fn wait_for(events: &mut BufReader<TcpStream>, wanted: &str) {
    let mut line = String::new();
    loop {
        line.clear();
        if events.read_line(&mut line).unwrap() == 0 {
            panic!("the event stream closed");
        }
        if line.trim_end().ends_with(wanted) {
            return;
        }
    }
}

fn first_page(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in &entries {
        if path.is_file()
            && path.extension().is_some_and(|e| e == "md")
            && !path.ends_with("_index.md")
        {
            return Some(path.clone());
        }
    }
    entries
        .iter()
        .filter(|p| p.is_dir())
        .find_map(|p| first_page(p))
}
