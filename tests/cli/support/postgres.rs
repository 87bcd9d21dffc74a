//! A real PostgreSQL server for the end-to-end tests, never a mock: Debian's server binaries
//! (`initdb`, `postgres`, `pg_ctl`) run in a temporary directory, listening on a free port of
//! 127.0.0.1 and on a socket inside that directory, as a user other than root, with trust
//! authentication for its superuser. The tests of this binary share one server
//! (`PostgresServer::shared`) and each takes a fresh database of its own (`create_database`);
//! a test that must stop or break a server starts a private one (`PostgresServer::start`).
//! A server is stopped with `pg_ctl stop -m fast` (then killed if it has not gone) and its
//! directory removed when it is dropped, or for the shared one when the test binary exits; the
//! server also shuts down if the test binary dies without cleaning up.

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::chown;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use ::postgres::{Client, NoTls};
use tempfile::TempDir;

/// Where Debian installs each PostgreSQL version's server programs: `<root>/<version>/bin`.
/// Programs of the same names on the PATH may be wrappers or links, so they are not used.
const DEBIAN_ROOT: &str = "/usr/lib/postgresql";

/// The superuser initdb creates. It logs in without a password, and only from this machine.
pub const SUPERUSER: &str = "postgres";

/// How long a server may take to start or stop on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// Ports tried before giving up, in case another process takes the free port first.
const PORT_ATTEMPTS: usize = 5;

static SHARED: OnceLock<PostgresServer> = OnceLock::new();

pub struct PostgresServer {
    bin: PathBuf,
    owner: Owner,
    port: u16,
    directory: PathBuf,
    postmaster: Mutex<Option<Postmaster>>,
    temp: Mutex<Option<TempDir>>,
    databases: AtomicUsize,
}

/// The running `postgres` process and the thread that started it. The server is told to shut
/// down when that thread ends (the parent-death signal), so the thread lives until `stop`.
struct Postmaster {
    child: Child,
    _keeper: mpsc::Sender<()>,
}

/// The user the server's programs run as: PostgreSQL refuses to run as root, so when the tests
/// do (as CI does), the server runs as `nobody`.
#[derive(Clone, Copy)]
enum Owner {
    CurrentUser,
    Nobody { uid: u32, gid: u32 },
}

impl PostgresServer {
    /// The server every test of this binary shares, started on first use.
    pub fn shared() -> &'static PostgresServer {
        SHARED.get_or_init(|| {
            let server = PostgresServer::start();
            // Statics are never dropped: stop the shared server when the test binary exits.
            // SAFETY: registers a plain function with no arguments, as atexit expects.
            unsafe { libc::atexit(stop_shared_server) };
            server
        })
    }

    /// Starts a server of its own, stopped and removed when it is dropped.
    pub fn start() -> PostgresServer {
        let bin = match find_server_binaries(Path::new(DEBIAN_ROOT)) {
            Ok(bin) => bin,
            Err(message) => panic!("{message}"),
        };
        let owner = Owner::for_this_process();
        let temp = tempfile::Builder::new()
            .prefix("caselog-postgres-")
            .tempdir_in(owner.temp_root())
            .expect("temporary directory for the PostgreSQL server");
        let directory = temp.path().to_path_buf();
        fs::create_dir(directory.join("sockets")).expect("socket directory");
        owner.give(&directory);
        owner.give(&directory.join("sockets"));

        let initdb = owner
            .command(&bin.join("initdb"), &directory)
            .args(["--pgdata", "data", "--username", SUPERUSER, "--auth=trust"])
            .args([
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            ])
            .output()
            .expect("run initdb");
        assert!(
            initdb.status.success(),
            "initdb failed ({}):\n{}{}",
            initdb.status,
            String::from_utf8_lossy(&initdb.stdout),
            String::from_utf8_lossy(&initdb.stderr)
        );

        let mut server = PostgresServer {
            bin,
            owner,
            port: 0,
            directory,
            postmaster: Mutex::new(None),
            temp: Mutex::new(Some(temp)),
            databases: AtomicUsize::new(0),
        };
        for attempt in 1..=PORT_ATTEMPTS {
            server.port = free_port();
            match server.launch() {
                Ok(()) => return server,
                Err(log) if log.contains("could not bind") && attempt < PORT_ATTEMPTS => continue,
                Err(log) => panic!("the PostgreSQL server did not start:\n{log}"),
            }
        }
        unreachable!("the last attempt either starts the server or panics")
    }

    /// Starts `postgres` on `self.port` and waits until it accepts connections; on failure,
    /// returns the server's log.
    fn launch(&self) -> Result<(), String> {
        let log_path = self.directory.join("server.log");
        let log = fs::File::create(&log_path).expect("server log");
        let mut command = self
            .owner
            .command(&self.bin.join("postgres"), &self.directory);
        command
            .args(["-D", "data", "-p", &self.port.to_string()])
            // An absolute path: the server resolves a relative one from its data directory.
            .arg("-k")
            .arg(self.directory.join("sockets"))
            .args(["-c", "listen_addresses=127.0.0.1"])
            // Durability is not what these tests are about; speed is.
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("server log"))
            .stderr(log);
        let postmaster = spawn_kept(command);
        let pid = postmaster.child.id();
        *self.lock_postmaster() = Some(postmaster);

        let deadline = Instant::now() + PATIENCE;
        loop {
            let exited = self
                .lock_postmaster()
                .as_mut()
                .and_then(|p| p.child.try_wait().expect("check on the PostgreSQL server"));
            if let Some(status) = exited {
                self.lock_postmaster().take();
                let log = fs::read_to_string(&log_path).unwrap_or_default();
                return Err(format!(
                    "postgres (pid {pid}) exited with {status}; its log:\n{log}"
                ));
            }
            // Through the socket in this server's own directory: only this server can answer
            // there, and it only gets that far once it holds the TCP port.
            let answer = ::postgres::Config::new()
                .host_path(self.directory.join("sockets"))
                .port(self.port)
                .user(SUPERUSER)
                .dbname("postgres")
                .connect(NoTls)
                .and_then(|mut client| client.simple_query("SELECT 1"));
            match answer {
                Ok(_) => return Ok(()),
                Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(100)),
                Err(error) => {
                    self.stop();
                    return Err(format!("no connection after {PATIENCE:?}: {error}"));
                }
            }
        }
    }

    /// A new, empty database on this server, and the URL to connect to it as the superuser:
    /// `postgresql://postgres@127.0.0.1:PORT/test_N`.
    pub fn create_database(&self) -> String {
        let n = self.databases.fetch_add(1, Ordering::SeqCst) + 1;
        let name = format!("test_{n}");
        self.connect("postgres")
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        self.url(&name)
    }

    fn url(&self, database: &str) -> String {
        format!(
            "postgresql://{SUPERUSER}@127.0.0.1:{}/{database}",
            self.port
        )
    }

    fn connect(&self, database: &str) -> Client {
        Client::connect(&self.url(database), NoTls)
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.url(database)))
    }

    /// The process ID of the running server (`postgres` itself), if it runs.
    pub fn pid(&self) -> Option<u32> {
        self.lock_postmaster().as_ref().map(|p| p.child.id())
    }

    /// The temporary directory holding the server's data, socket and log.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// Restarts the server as an administrator would: a fast shutdown (sessions are ended,
    /// their transactions rolled back), then a start on the same port and directory. Returns
    /// once it accepts connections again.
    pub fn restart(&self) {
        self.shut_down();
        self.launch()
            .unwrap_or_else(|log| panic!("the PostgreSQL server did not start again:\n{log}"));
    }

    /// Stops the server (a fast shutdown: sessions are ended, nothing waits for them), kills it
    /// if it has not gone in time, and removes its directory. Does nothing the second time.
    /// Never panics: it also runs when the test binary exits.
    fn stop(&self) {
        self.shut_down();
        if let Some(temp) = self.temp.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = temp.close();
        }
    }

    /// Stops the server process, keeping its directory. Never panics.
    fn shut_down(&self) {
        if let Some(mut postmaster) = self.lock_postmaster().take() {
            let stopped = self
                .owner
                .command(&self.bin.join("pg_ctl"), &self.directory)
                .args(["stop", "-D", "data", "-m", "fast", "-w"])
                .args(["-t", &PATIENCE.as_secs().to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success());
            if !stopped || !exits_within(&mut postmaster.child, PATIENCE) {
                let _ = writeln!(
                    std::io::stderr(),
                    "the PostgreSQL server (pid {}) did not stop: killing it",
                    postmaster.child.id()
                );
                let _ = postmaster.child.kill();
                let _ = postmaster.child.wait();
            }
        }
    }

    fn lock_postmaster(&self) -> MutexGuard<'_, Option<Postmaster>> {
        self.postmaster.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        self.stop();
    }
}

extern "C" fn stop_shared_server() {
    if let Some(server) = SHARED.get() {
        server.stop();
    }
}

/// Spawns `command` from a thread that lives until the returned value is dropped, so that the
/// parent-death signal (set by `Owner::command`) reaches the server only when it should.
fn spawn_kept(mut command: Command) -> Postmaster {
    let (started_tx, started_rx) = mpsc::channel();
    let (keeper, released) = mpsc::channel::<()>();
    thread::Builder::new()
        .name("postgres-parent".into())
        .spawn(move || {
            let spawned = command.spawn();
            let ok = spawned.is_ok();
            let _ = started_tx.send(spawned);
            if ok {
                // Returns when the sender is dropped, after the server has stopped.
                let _ = released.recv();
            }
        })
        .expect("thread to start the PostgreSQL server");
    let child = started_rx
        .recv()
        .expect("the server's start")
        .expect("start postgres");
    Postmaster {
        child,
        _keeper: keeper,
    }
}

fn exits_within(child: &mut Child, patience: Duration) -> bool {
    let deadline = Instant::now() + patience;
    while Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(_)) => return true,
            Ok(None) => thread::sleep(Duration::from_millis(50)),
            Err(_) => return false,
        }
    }
    false
}

/// A port of 127.0.0.1 nothing listens on right now (the system picks it).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free local port")
        .port()
}

/// The directory of one installed PostgreSQL version that has all the server programs the
/// harness runs (the newest version when several have), or the instruction to install them.
fn find_server_binaries(root: &Path) -> Result<PathBuf, String> {
    let mut found: Vec<(u32, PathBuf)> = fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            ["initdb", "postgres", "pg_ctl"]
                .iter()
                .all(|program| bin.join(program).is_file())
                .then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).ok_or_else(|| {
        format!(
            "the PostgreSQL server programs (initdb, postgres, pg_ctl) are not installed under \
             {}/VERSION/bin: run the README's test command, scripts/test, which installs them, \
             or install Debian's package yourself: apt-get install postgresql",
            root.display()
        )
    })
}

impl Owner {
    fn for_this_process() -> Owner {
        // SAFETY: geteuid has no preconditions and cannot fail.
        if unsafe { libc::geteuid() } != 0 {
            return Owner::CurrentUser;
        }
        let passwd = fs::read_to_string("/etc/passwd").expect("read /etc/passwd");
        let nobody = passwd
            .lines()
            .map(|line| line.split(':').collect::<Vec<_>>())
            .find(|fields| fields.len() > 3 && fields[0] == "nobody")
            .expect("a user named nobody to run the PostgreSQL server as, since it refuses root");
        Owner::Nobody {
            uid: nobody[2].parse().expect("nobody's user ID"),
            gid: nobody[3].parse().expect("nobody's group ID"),
        }
    }

    /// Where the server's temporary directory goes: somewhere `nobody` can reach when the
    /// server runs as nobody, else the usual temporary directory.
    fn temp_root(self) -> PathBuf {
        match self {
            Owner::CurrentUser => std::env::temp_dir(),
            Owner::Nobody { .. } => PathBuf::from("/tmp"),
        }
    }

    /// Hands a directory the harness created to the server's user.
    fn give(self, path: &Path) {
        if let Owner::Nobody { uid, gid } = self {
            chown(path, Some(uid), Some(gid)).expect("hand the directory to nobody");
        }
    }

    /// A command that runs `program` as this user in `directory`, with a clean environment,
    /// and shuts it down (SIGINT: PostgreSQL's fast shutdown) if the thread that started it
    /// goes away first.
    fn command(self, program: &Path, directory: &Path) -> Command {
        let mut command = Command::new("setpriv");
        if let Owner::Nobody { uid, gid } = self {
            command.arg(format!("--reuid={uid}"));
            command.arg(format!("--regid={gid}"));
            command.arg("--clear-groups");
        }
        command
            .args(["--pdeathsig", "INT", "--"])
            .arg(program)
            .current_dir(directory)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("LC_ALL", "C.UTF-8")
            .env("TZ", "UTC");
        command
    }
}

mod tests {
    use super::*;

    fn uid_of(pid: u32) -> u32 {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).expect("process status");
        let line = status
            .lines()
            .find(|line| line.starts_with("Uid:"))
            .expect("Uid line");
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[test]
    fn the_shared_server_gives_each_test_a_database_of_its_own() {
        let server = PostgresServer::shared();
        let first = server.create_database();
        let second = server.create_database();
        let port = server.port;
        assert!(first.starts_with(&format!("postgresql://postgres@127.0.0.1:{port}/test_")));
        assert_ne!(first, second);

        let mut a = Client::connect(&first, NoTls).expect("connect to the first database");
        let mut b = Client::connect(&second, NoTls).expect("connect to the second database");
        a.batch_execute("CREATE TABLE consultations (family text); INSERT INTO consultations VALUES ('OAK-0142')")
            .expect("write to the first database");
        let row = a
            .query_one("SELECT family, current_user FROM consultations", &[])
            .expect("read it back");
        assert_eq!(row.get::<_, String>(0), "OAK-0142");
        assert_eq!(row.get::<_, String>(1), SUPERUSER);
        let seen: Option<String> = b
            .query_one("SELECT to_regclass('consultations')::text", &[])
            .expect("look for the table in the second database")
            .get(0);
        assert_eq!(seen, None, "the second database sees the first one's table");

        let listen: String = a.query_one("SHOW listen_addresses", &[]).unwrap().get(0);
        assert_eq!(listen, "127.0.0.1");
        let pid = server.pid().expect("the shared server runs");
        assert_ne!(uid_of(pid), 0, "the server runs as root");
        let socket = server.directory().join(format!("sockets/.s.PGSQL.{port}"));
        assert!(socket.exists(), "no socket at {}", socket.display());
    }

    #[test]
    fn a_private_server_is_stopped_and_removed_when_dropped() {
        let server = PostgresServer::start();
        let url = server.create_database();
        let mut client = Client::connect(&url, NoTls).expect("connect");
        let one: i32 = client.query_one("SELECT 1", &[]).unwrap().get(0);
        assert_eq!(one, 1);
        let pid = server.pid().expect("the server runs");
        let directory = server.directory().to_path_buf();
        assert!(directory.join("data/PG_VERSION").is_file());

        drop(server);
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "postgres (pid {pid}) still runs"
        );
        assert!(
            !directory.exists(),
            "{} was left behind",
            directory.display()
        );
        assert!(
            client.simple_query("SELECT 1").is_err(),
            "the session outlived its server"
        );
    }

    #[test]
    fn without_the_server_programs_the_failure_says_how_to_install_them() {
        let root = tempfile::tempdir().unwrap();
        let message = find_server_binaries(root.path()).unwrap_err();
        assert!(message.contains("scripts/test"), "{message}");
        assert!(message.contains("apt-get install postgresql"), "{message}");

        // A version missing one of the programs does not count; the newest complete one wins.
        for (version, programs) in [
            ("13", &["initdb", "postgres", "pg_ctl"][..]),
            ("15", &["initdb", "postgres", "pg_ctl"][..]),
            ("16", &["initdb", "postgres"][..]),
        ] {
            let bin = root.path().join(version).join("bin");
            fs::create_dir_all(&bin).unwrap();
            for program in programs {
                fs::write(bin.join(program), "").unwrap();
            }
        }
        assert_eq!(
            find_server_binaries(root.path()).unwrap(),
            root.path().join("15/bin")
        );
    }
}
