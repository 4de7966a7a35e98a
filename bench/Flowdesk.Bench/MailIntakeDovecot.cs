using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Flowdesk.Bench;

/// <summary>
/// A private Dovecot (Debian's dovecot-imapd and dovecot-lmtpd) for the mail-intake scenario: IMAP and LMTP on free
/// ports of 127.0.0.1, Maildir storage and its configuration in a temporary folder, any user with password
/// <see cref="Password"/> — the same setup as the tests' mail server, without Postfix (the bench delivers over LMTP
/// itself, as Postfix would). Stopped with `dovecot -c CONF stop` (its own master, by its pid file) and removed on dispose.
/// </summary>
public sealed class MailIntakeDovecot : IDisposable
{
    public const string Password = "secret";
    public const string Host = "127.0.0.1";
    static readonly string[] Programs = ["/usr/sbin/dovecot", "/usr/lib/dovecot/imap", "/usr/lib/dovecot/lmtp"];

    readonly string root;

    MailIntakeDovecot(string root, int imapPort, int lmtpPort)
    {
        this.root = root;
        ImapPort = imapPort;
        LmtpPort = lmtpPort;
    }

    public int ImapPort { get; }
    public int LmtpPort { get; }
    string Config => Path.Combine(root, "dovecot.conf");

    /// <summary>Why Dovecot cannot be started here (missing packages, not root), or null when it can.</summary>
    public static string? Unavailable()
    {
        var missing = Programs.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0) return $"Dovecot is not installed (missing {string.Join(", ", missing)}; apt-get install dovecot-imapd dovecot-lmtpd)";
        if (Environment.UserName != "root") return "Dovecot's master must start as root to switch to the mail user; the bench is not running as root";
        return null;
    }

    public static async Task<MailIntakeDovecot> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "flowdesk-bench-mail-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "mail"));
        Directory.CreateDirectory(Path.Combine(root, "run"));
        Directory.CreateDirectory(Path.Combine(root, "state"));
        var ports = FreePorts(2);
        var server = new MailIntakeDovecot(root, ports[0], ports[1]);
        try
        {
            await File.WriteAllTextAsync(server.Config, $$"""
                instance_name = {{Path.GetFileName(root)}}
                base_dir = {{root}}/run
                state_dir = {{root}}/state
                log_path = {{root}}/dovecot.log
                protocols = imap lmtp
                listen = {{Host}}
                ssl = no
                disable_plaintext_auth = no
                auth_mechanisms = plain login
                mail_location = maildir:{{root}}/mail/%d/%n
                first_valid_uid = 8
                default_internal_user = dovecot
                default_login_user = dovenull
                postmaster_address = postmaster@example.org
                hostname = mail.example.org
                passdb {
                  driver = static
                  args = password={{Password}}
                }
                userdb {
                  driver = static
                  args = uid=mail gid=mail home={{root}}/mail/%d/%n
                }
                service imap-login {
                  inet_listener imap {
                    address = {{Host}}
                    port = {{server.ImapPort}}
                  }
                  inet_listener imaps {
                    port = 0
                  }
                }
                service lmtp {
                  inet_listener lmtp {
                    address = {{Host}}
                    port = {{server.LmtpPort}}
                  }
                }
                """);
            Run("chown", "mail:mail", Path.Combine(root, "mail"));
            Run("chmod", "755", root);
            Run("/usr/sbin/dovecot", "-c", server.Config);
            await WaitForPort(server.ImapPort, server);
            await WaitForPort(server.LmtpPort, server);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>Delivers the messages to <paramref name="recipient"/> over one LMTP session, in order; throws on any refusal.</summary>
    public async Task DeliverAsync(IEnumerable<BenchMail> mails, string recipient)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, LmtpPort);
        await using var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, false, 4096, leaveOpen: true);
        async Task Reply(string expect)
        {
            string line;
            var all = new StringBuilder();
            do
            {
                line = await reader.ReadLineAsync() ?? throw new IOException("Dovecot closed the LMTP connection");
                all.AppendLine(line);
            } while (line.Length > 3 && line[3] == '-');
            if (!line.StartsWith(expect, StringComparison.Ordinal)) throw new IOException($"LMTP: expected {expect}, got: {all}");
        }
        async Task Send(string command, string expect)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
            await Reply(expect);
        }
        await Reply("220");
        await Send("LHLO bench.example.org", "250");
        using var data = new MemoryStream();
        foreach (var mail in mails)
        {
            await Send($"MAIL FROM:<{mail.EnvelopeFrom}>" + (mail.Raw.Any(b => b >= 0x80) ? " BODY=8BITMIME" : ""), "250");
            await Send($"RCPT TO:<{recipient}>", "250");
            await Send("DATA", "354");
            data.SetLength(0);
            var atLineStart = true;
            foreach (var b in mail.Raw)
            {
                if (atLineStart && b == (byte)'.') data.WriteByte((byte)'.');
                data.WriteByte(b);
                atLineStart = b == (byte)'\n';
            }
            if (!atLineStart) data.Write("\r\n"u8);
            data.Write(".\r\n"u8);
            await stream.WriteAsync(data.GetBuffer().AsMemory(0, (int)data.Length));
            await Reply("250"); // LMTP: one reply per accepted recipient
        }
        await Send("QUIT", "221");
    }

    /// <summary>Messages in the user's Maildir INBOX, and how many of them carry \Seen (the S in the Maildir file name).</summary>
    public (int Total, int Seen) Count(string user)
    {
        var (local, domain) = (user[..user.IndexOf('@')], user[(user.IndexOf('@') + 1)..]);
        var box = Path.Combine(root, "mail", domain, local);
        var inNew = Directory.Exists(Path.Combine(box, "new")) ? Directory.GetFiles(Path.Combine(box, "new")).Length : 0;
        var cur = Directory.Exists(Path.Combine(box, "cur")) ? Directory.GetFiles(Path.Combine(box, "cur")) : [];
        var seen = cur.Count(f => Path.GetFileName(f) is var name && name.LastIndexOf(":2,", StringComparison.Ordinal) is var at and >= 0 && name[(at + 3)..].Contains('S'));
        return (inNew + cur.Length, seen);
    }

    public void Dispose()
    {
        try { Run("/usr/sbin/dovecot", "-c", Config, "stop"); } catch (InvalidOperationException) { }
        for (var i = 0; i < 100 && PortOpen(ImapPort); i++) Thread.Sleep(100);
        try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot run {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000)) throw new InvalidOperationException($"{program} did not finish in 60 s");
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {output.Result}{error.Result}");
    }

    static async Task WaitForPort(int port, MailIntakeDovecot server)
    {
        for (var i = 0; i < 300; i++)
        {
            if (PortOpen(port)) return;
            await Task.Delay(100);
        }
        var log = Path.Combine(server.root, "dovecot.log");
        throw new InvalidOperationException($"Dovecot did not open port {port}: {(File.Exists(log) ? File.ReadAllText(log) : "(no log)")}");
    }

    static bool PortOpen(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            tcp.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    static List<int> FreePorts(int count)
    {
        List<TcpListener> listeners = [];
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
