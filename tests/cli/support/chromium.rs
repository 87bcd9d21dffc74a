//! Debian's Chromium, headless, for tests that look at a page as a reader would: a screenshot
//! (checked not to be blank), the DOM once the page has loaded, and a print to PDF (its pages
//! counted and measured). Pages are local files only; each run gets a fresh profile, and flags
//! that keep the browser off the network (no background services, no updates, and every host
//! name unresolvable).

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long one run of the browser may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(90);

/// The flags of every run: headless, as root if need be, and nothing fetched or sent anywhere.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--no-pings",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-device-scale-factor=1",
    "--hide-scrollbars",
    "--lang=en-GB",
];

pub struct Chromium {
    program: PathBuf,
}

impl Chromium {
    /// Debian's `chromium` on the PATH, or a failure that says how to install it.
    pub fn find() -> Chromium {
        match find_on_path(std::env::var_os("PATH").as_deref()) {
            Ok(program) => Chromium { program },
            Err(message) => panic!("{message}"),
        }
    }

    /// Takes a screenshot of a local page in a window of `width` × `height` pixels, written to
    /// `png`.
    pub fn screenshot(&self, page: &Path, png: &Path, width: u32, height: u32) {
        self.run(
            page,
            &[
                format!("--screenshot={}", absolute(png).display()),
                format!("--window-size={width},{height}"),
            ],
        );
        assert!(
            png.is_file(),
            "chromium wrote no screenshot to {}",
            png.display()
        );
    }

    /// The page's DOM, serialised, once it has loaded.
    pub fn dump_dom(&self, page: &Path) -> String {
        self.run(page, &["--dump-dom".to_string()])
    }

    /// Prints a local page to `pdf` as the print dialog would, without headers and footers,
    /// on the paper the page's CSS asks for.
    pub fn print_to_pdf(&self, page: &Path, pdf: &Path) {
        self.run(
            page,
            &[
                format!("--print-to-pdf={}", absolute(pdf).display()),
                "--no-pdf-header-footer".to_string(),
            ],
        );
        assert!(pdf.is_file(), "chromium wrote no PDF to {}", pdf.display());
    }

    /// Runs the browser once on `page` and returns what it printed on stdout; fails with its
    /// stderr if it fails or takes too long.
    fn run(&self, page: &Path, action: &[String]) -> String {
        let page = absolute(page);
        assert!(page.is_file(), "no page at {}", page.display());
        // The profile, HOME and the browser's output all go in one fresh directory.
        let scratch = tempfile::Builder::new()
            .prefix("caselog-chromium-")
            .tempdir()
            .expect("temporary directory for chromium");
        let stdout_path = scratch.path().join("stdout");
        let stderr_path = scratch.path().join("stderr");
        let mut child = Command::new(&self.program)
            .args(FLAGS)
            .arg(format!(
                "--user-data-dir={}",
                scratch.path().join("profile").display()
            ))
            .args(action)
            .arg(file_url(&page))
            .env("HOME", scratch.path())
            .env("XDG_CONFIG_HOME", scratch.path().join("config"))
            .env("XDG_CACHE_HOME", scratch.path().join("cache"))
            .env("TZ", "UTC")
            .stdin(Stdio::null())
            .stdout(File::create(&stdout_path).expect("chromium's stdout file"))
            .stderr(File::create(&stderr_path).expect("chromium's stderr file"))
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", self.program.display()));

        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = child.try_wait().expect("check on chromium") {
                break Some(status);
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            thread::sleep(Duration::from_millis(50));
        };
        let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
        match status {
            Some(status) if status.success() => {}
            Some(status) => panic!("chromium {action:?} failed ({status}):\n{stderr}"),
            None => panic!("chromium {action:?} took more than {PATIENCE:?}:\n{stderr}"),
        }
        fs::read_to_string(&stdout_path).expect("chromium's output as UTF-8")
    }
}

/// `chromium` in one of the PATH's directories, or the instruction to install it.
fn find_on_path(path: Option<&OsStr>) -> Result<PathBuf, String> {
    std::env::split_paths(path.unwrap_or_default())
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            "chromium is not installed (no `chromium` on the PATH): run the README's test \
             command, scripts/test, which installs it, or install Debian's package yourself: \
             apt-get install chromium"
                .to_string()
        })
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).expect("absolute path")
}

/// The file:// URL of an absolute path, with every byte outside the unreserved set escaped.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for &byte in path.as_os_str().as_encoded_bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// What a PNG shows, counted: its size and how many pixels have each colour.
pub struct Picture {
    pub width: u32,
    pub height: u32,
    colours: HashMap<[u8; 3], usize>,
}

impl Picture {
    pub fn load(png: &Path) -> Picture {
        let file = File::open(png).unwrap_or_else(|e| panic!("open {}: {e}", png.display()));
        let mut decoder = png::Decoder::new(BufReader::new(file));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder
            .read_info()
            .unwrap_or_else(|e| panic!("{} is not a PNG: {e}", png.display()));
        let mut buffer = vec![0; reader.output_buffer_size().expect("PNG frame size")];
        let frame = reader.next_frame(&mut buffer).expect("decode the PNG");
        let bytes = &buffer[..frame.buffer_size()];
        let mut colours = HashMap::new();
        let mut count = |rgb: [u8; 3]| *colours.entry(rgb).or_insert(0) += 1;
        match frame.color_type {
            png::ColorType::Rgb => bytes
                .chunks_exact(3)
                .for_each(|p| count([p[0], p[1], p[2]])),
            png::ColorType::Rgba => bytes
                .chunks_exact(4)
                .for_each(|p| count([p[0], p[1], p[2]])),
            png::ColorType::Grayscale => bytes.iter().for_each(|&g| count([g, g, g])),
            png::ColorType::GrayscaleAlpha => bytes.chunks_exact(2).for_each(|p| count([p[0]; 3])),
            png::ColorType::Indexed => unreachable!("normalised to RGB or greyscale"),
        }
        Picture {
            width: frame.width,
            height: frame.height,
            colours,
        }
    }

    /// True when every pixel has the same colour.
    pub fn is_blank(&self) -> bool {
        self.colours.len() <= 1
    }

    pub fn distinct_colours(&self) -> usize {
        self.colours.len()
    }

    /// How many pixels are not (nearly) white.
    pub fn non_white_pixels(&self) -> usize {
        self.colours
            .iter()
            .filter(|(rgb, _)| rgb.iter().any(|&channel| channel < 250))
            .map(|(_, count)| count)
            .sum()
    }

    /// How many pixels have exactly this colour.
    pub fn pixels_of(&self, rgb: [u8; 3]) -> usize {
        self.colours.get(&rgb).copied().unwrap_or(0)
    }
}

/// A page's size in millimetres.
#[derive(Debug, Clone, Copy)]
pub struct PageSize {
    pub width_mm: f64,
    pub height_mm: f64,
}

impl PageSize {
    /// A4 portrait, 210 × 297 mm, to within a millimetre.
    pub fn is_a4(&self) -> bool {
        (self.width_mm - 210.0).abs() < 1.0 && (self.height_mm - 297.0).abs() < 1.0
    }
}

/// The size of every page of a PDF, in order.
pub fn pdf_pages(pdf: &Path) -> Vec<PageSize> {
    let document = lopdf::Document::load(pdf)
        .unwrap_or_else(|e| panic!("{} is not a PDF: {e}", pdf.display()));
    document
        .get_pages()
        .values()
        .map(|&page| {
            let media_box = media_box(&document, page)
                .unwrap_or_else(|| panic!("page {page:?} of {} has no MediaBox", pdf.display()));
            let points_to_mm = 25.4 / 72.0;
            PageSize {
                width_mm: (media_box[2] - media_box[0]).abs() * points_to_mm,
                height_mm: (media_box[3] - media_box[1]).abs() * points_to_mm,
            }
        })
        .collect()
}

/// A page's MediaBox (x0, y0, x1, y1 in points), its own or the nearest ancestor's.
fn media_box(document: &lopdf::Document, page: lopdf::ObjectId) -> Option<[f64; 4]> {
    let mut node = document.get_dictionary(page).ok()?;
    loop {
        if let Ok(media_box) = node.get_deref(b"MediaBox", document) {
            let numbers = media_box
                .as_array()
                .ok()?
                .iter()
                .map(|n| {
                    document
                        .dereference(n)
                        .ok()?
                        .1
                        .as_float()
                        .ok()
                        .map(f64::from)
                })
                .collect::<Option<Vec<f64>>>()?;
            return numbers.try_into().ok();
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        node = document.get_dictionary(parent).ok()?;
    }
}

mod tests {
    use super::*;

    /// The harness's own page: a heading, a line of text and an inline SVG of three bars.
    fn fixture() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/harness.html")
    }

    #[test]
    fn a_screenshot_of_the_page_shows_it_and_a_blank_page_is_found_blank() {
        let chromium = Chromium::find();
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("harness.png");
        chromium.screenshot(&fixture(), &png, 800, 600);
        let picture = Picture::load(&png);
        assert_eq!((picture.width, picture.height), (800, 600));
        assert!(!picture.is_blank());
        // Text is anti-aliased: many shades, and far more ink than a few stray pixels.
        assert!(
            picture.distinct_colours() > 10,
            "{}",
            picture.distinct_colours()
        );
        assert!(
            picture.non_white_pixels() > 30_000,
            "{}",
            picture.non_white_pixels()
        );
        // Each of the SVG's bars, drawn in its own colour at its own size (CSS pixels).
        assert_eq!(picture.pixels_of([0x1b, 0x5e, 0x8c]), 360 * 40);
        assert_eq!(picture.pixels_of([0xe0, 0x8a, 0x00]), 210 * 40);
        assert_eq!(picture.pixels_of([0x2e, 0x7d, 0x32]), 120 * 40);

        let empty = dir.path().join("empty.html");
        fs::write(&empty, "<!DOCTYPE html><title>Nothing</title>").unwrap();
        let blank_png = dir.path().join("empty.png");
        chromium.screenshot(&empty, &blank_png, 400, 300);
        let blank = Picture::load(&blank_png);
        assert_eq!((blank.width, blank.height), (400, 300));
        assert!(blank.is_blank());
        assert_eq!(blank.non_white_pixels(), 0);
    }

    #[test]
    fn the_dom_dump_holds_the_heading_and_the_chart() {
        let dom = Chromium::find().dump_dom(&fixture());
        assert!(dom.contains("<h1>Harness check</h1>"), "{dom}");
        assert!(
            dom.contains("Consultations by agency: school 12, health 7, police 4"),
            "{dom}"
        );
        assert_eq!(dom.matches("<rect ").count(), 3, "{dom}");
    }

    #[test]
    fn the_page_prints_to_one_a4_page() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("harness.pdf");
        Chromium::find().print_to_pdf(&fixture(), &pdf);
        let pages = pdf_pages(&pdf);
        assert_eq!(pages.len(), 1, "{pages:?}");
        assert!(pages[0].is_a4(), "{pages:?}");
    }

    #[test]
    fn a_page_that_runs_over_prints_to_more_pages_and_letter_is_not_a4() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("long page.html");
        let paragraphs = "<p style=\"height: 150mm\">A tall paragraph.</p>".repeat(3);
        fs::write(
            &page,
            format!("<!DOCTYPE html><style>@page {{ size: letter }}</style>{paragraphs}"),
        )
        .unwrap();
        let pdf = dir.path().join("long.pdf");
        Chromium::find().print_to_pdf(&page, &pdf);
        let pages = pdf_pages(&pdf);
        assert!(pages.len() >= 2, "{pages:?}");
        assert!(pages.iter().all(|size| !size.is_a4()), "{pages:?}");
    }

    #[test]
    fn without_chromium_on_the_path_the_failure_says_how_to_install_it() {
        let empty = tempfile::tempdir().unwrap();
        for path in [None, Some(empty.path().as_os_str())] {
            let message = find_on_path(path).unwrap_err();
            assert!(message.contains("scripts/test"), "{message}");
            assert!(message.contains("apt-get install chromium"), "{message}");
        }
        fs::write(empty.path().join("chromium"), "").unwrap();
        assert_eq!(
            find_on_path(Some(empty.path().as_os_str())).unwrap(),
            empty.path().join("chromium")
        );
    }
}
