using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;

namespace Flowdesk.Tests.Infrastructure;

/// <summary>
/// A real mail server from Debian's packages, private to one test run: Postfix accepts SMTP on 127.0.0.1 and hands
/// every message to Dovecot over LMTP; Dovecot serves the mailboxes over IMAP (and runs Sieve, so vacation replies are
/// real). Both run from a configuration in a temporary folder on free ports and are stopped (and the folder removed)
/// at the end; servers left behind by a killed run are cleaned up by the next one. Every address in flowdesk.test,
/// example.org and example.com has a mailbox (password <see cref="Password"/>); nobody@flowdesk.test is refused with
/// 550, and mail to bounce-me@example.com is accepted and then bounced by Postfix (a real delivery status notification).
/// Needs root (Postfix's master runs as root) and the packages in <see cref="Packages"/>; without them it fails with a
/// message naming them.
/// </summary>
public sealed class MailServer : IAsyncDisposable
{
    public const string Password = "secret";
    public const string Host = "127.0.0.1";
    public const string RefusedRecipient = "nobody@flowdesk.test";
    public const string BouncingRecipient = "bounce-me@example.com";
    public static readonly string[] Packages = ["postfix", "dovecot-imapd", "dovecot-lmtpd", "dovecot-sieve"];

    const string Prefix = "flowdesk-mail.";
    static readonly string[] Programs = ["/usr/sbin/postfix", "/usr/sbin/dovecot", "/usr/lib/dovecot/imap", "/usr/lib/dovecot/lmtp", "/usr/lib/dovecot/modules/lib90_sieve_plugin.so"];

    readonly string root;
    bool disposed;

    MailServer(string root, int smtpPort, int imapPort, int lmtpPort)
    {
        this.root = root;
        SmtpPort = smtpPort;
        ImapPort = imapPort;
        LmtpPort = lmtpPort;
    }

    public int SmtpPort { get; }
    public int ImapPort { get; }
    public int LmtpPort { get; }
    public string Root => root;

    string PostfixConfig => Path.Combine(root, "postfix", "etc");
    string DovecotConfig => Path.Combine(root, "dovecot", "dovecot.conf");
    string Log => Path.Combine(root, "commands.log");

    public static async Task<MailServer> StartAsync()
    {
        var missing = Programs.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"The mail tests start a real mail server and need the Debian packages {string.Join(", ", Packages)} " +
                $"(missing: {string.Join(", ", missing)}). Install them with: apt-get install {string.Join(' ', Packages)} (./test.sh does this).");
        if (!string.Equals(Environment.UserName, "root", StringComparison.Ordinal) && Environment.GetEnvironmentVariable("USER") != "root" && GetUid() != 0)
            throw new InvalidOperationException("The mail tests start Postfix, whose master process runs as root: run them as root (./test.sh in CI does).");

        RemoveLeftovers();
        var root = Path.Combine(Path.GetTempPath(), Prefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ports = FreePorts(3);
        var server = new MailServer(root, ports[0], ports[1], ports[2]);
        try
        {
            await server.WriteConfigurationAsync();
            await server.RunAsync($"/usr/sbin/dovecot -c '{server.DovecotConfig}'");
            await WaitForPortAsync(server.ImapPort, open: true, "Dovecot IMAP", server);
            await WaitForPortAsync(server.LmtpPort, open: true, "Dovecot LMTP", server);
            await server.StartSmtpAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopNow();
        return server;
    }

    /// <summary>Starts Postfix (again); returns once it accepts connections.</summary>
    public async Task StartSmtpAsync()
    {
        await RunAsync($"/usr/sbin/postfix -c '{PostfixConfig}' start");
        await WaitForPortAsync(SmtpPort, open: true, "Postfix SMTP", this);
    }

    /// <summary>Stops Postfix; returns once its port refuses connections and its master has exited.</summary>
    public async Task StopSmtpAsync()
    {
        await RunAsync($"/usr/sbin/postfix -c '{PostfixConfig}' stop");
        await WaitForPortAsync(SmtpPort, open: false, "Postfix SMTP", this);
        var pidFile = Path.Combine(root, "postfix", "spool", "pid", "master.pid");
        for (var i = 0; i < 300 && File.Exists(pidFile) && ProcessAlive(pidFile); i++) await Task.Delay(100);
    }

    /// <summary>
    /// Sends <paramref name="raw"/> byte for byte over SMTP (only dot-stuffed, as the protocol requires), with the given
    /// envelope — the way the fixtures' programs sent them. Throws when the server refuses.
    /// </summary>
    public async Task SendRawAsync(byte[] raw, string mailFrom, string rcptTo)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, SmtpPort);
        await using var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
        async Task<string> Reply(string expect)
        {
            string line;
            var all = new StringBuilder();
            do
            {
                line = await reader.ReadLineAsync() ?? throw new IOException("The SMTP server closed the connection.");
                all.AppendLine(line);
            } while (line.Length > 3 && line[3] == '-');
            if (!line.StartsWith(expect, StringComparison.Ordinal)) throw new IOException($"SMTP: expected {expect}, got: {all}");
            return all.ToString();
        }
        async Task Send(string command, string expect)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
            await Reply(expect);
        }
        await Reply("220");
        await Send("EHLO tests.flowdesk.test", "250");
        await Send($"MAIL FROM:<{mailFrom}>" + (raw.Any(b => b >= 0x80) ? " BODY=8BITMIME" : ""), "250");
        await Send($"RCPT TO:<{rcptTo}>", "250");
        await Send("DATA", "354");
        using (var data = new MemoryStream(raw.Length + 1024))
        {
            var atLineStart = true;
            foreach (var b in raw)
            {
                if (atLineStart && b == (byte)'.') data.WriteByte((byte)'.');
                data.WriteByte(b);
                atLineStart = b == (byte)'\n';
            }
            if (!atLineStart) data.Write("\r\n"u8);
            data.Write(".\r\n"u8);
            await stream.WriteAsync(data.GetBuffer().AsMemory(0, (int)data.Length));
        }
        await Reply("250");
        await Send("QUIT", "221");
    }

    /// <summary>An IMAP session as <paramref name="user"/>, with its INBOX opened read-write.</summary>
    public async Task<ImapClient> ImapAsync(string user)
    {
        var imap = new ImapClient { Timeout = 30_000 };
        await imap.ConnectAsync(Host, ImapPort, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        return imap;
    }

    /// <summary>Every message in the user's INBOX, oldest first.</summary>
    public async Task<List<MimeMessage>> MessagesAsync(string user)
    {
        using var imap = await ImapAsync(user);
        List<MimeMessage> messages = [];
        foreach (var uid in await imap.Inbox.SearchAsync(SearchQuery.All))
            messages.Add(await imap.Inbox.GetMessageAsync(uid));
        await imap.DisconnectAsync(true);
        return messages;
    }

    /// <summary>How many messages in the user's INBOX are not flagged \Seen.</summary>
    public async Task<int> UnseenCountAsync(string user)
    {
        using var imap = await ImapAsync(user);
        var count = (await imap.Inbox.SearchAsync(SearchQuery.NotSeen)).Count;
        await imap.DisconnectAsync(true);
        return count;
    }

    /// <summary>Clears \Seen on every message of the user's INBOX (as if a person had marked them unread).</summary>
    public async Task MarkAllUnseenAsync(string user)
    {
        using var imap = await ImapAsync(user);
        var all = await imap.Inbox.SearchAsync(SearchQuery.All);
        if (all.Count > 0) await imap.Inbox.RemoveFlagsAsync(all, MessageFlags.Seen, silent: true);
        await imap.DisconnectAsync(true);
    }

    /// <summary>
    /// Waits until the user's INBOX holds at least <paramref name="count"/> messages (mail moves through Postfix's queue
    /// asynchronously); fails with the server's log when it does not happen within a generous minute.
    /// </summary>
    public async Task WaitForMessagesAsync(string user, int count)
    {
        for (var i = 0; i < 600; i++)
        {
            using (var imap = await ImapAsync(user))
            {
                var have = imap.Inbox.Count;
                await imap.DisconnectAsync(true);
                if (have >= count) return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{user} did not receive {count} message(s). Postfix log:\n{Tail(Path.Combine(root, "postfix", "postfix.log"))}");
    }

    /// <summary>Installs a Sieve script for <paramref name="user"/> (e.g. a vacation rule), run by LMTP on delivery.</summary>
    public async Task SetSieveAsync(string user, string script)
    {
        var (local, domain) = (user[..user.IndexOf('@')], user[(user.IndexOf('@') + 1)..]);
        var home = Path.Combine(root, "mail", domain, local);
        Directory.CreateDirectory(home);
        var file = Path.Combine(home, ".dovecot.sieve");
        await File.WriteAllTextAsync(file, script);
        await RunAsync($"chown -R mail:mail '{Path.Combine(root, "mail")}'");
    }

    async Task WriteConfigurationAsync()
    {
        var mail = Path.Combine(root, "mail");
        var dovecot = Path.Combine(root, "dovecot");
        var postfix = Path.Combine(root, "postfix");
        foreach (var dir in new[] { mail, Path.Combine(dovecot, "run"), Path.Combine(dovecot, "state"), PostfixConfig,
                     Path.Combine(postfix, "spool"), Path.Combine(postfix, "data") })
            Directory.CreateDirectory(dir);

        await File.WriteAllTextAsync(DovecotConfig, $$"""
            instance_name = {{Path.GetFileName(root)}}
            base_dir = {{dovecot}}/run
            state_dir = {{dovecot}}/state
            log_path = {{dovecot}}/dovecot.log
            protocols = imap lmtp
            listen = {{Host}}
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            mail_location = maildir:{{mail}}/%d/%n
            first_valid_uid = 8
            default_internal_user = dovecot
            default_login_user = dovenull
            submission_host = {{Host}}:{{SmtpPort}}
            postmaster_address = postmaster@flowdesk.test
            hostname = mail.flowdesk.test
            passdb {
              driver = static
              args = password={{Password}}
            }
            userdb {
              driver = static
              args = uid=mail gid=mail home={{mail}}/%d/%n
            }
            service imap-login {
              inet_listener imap {
                address = {{Host}}
                port = {{ImapPort}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service lmtp {
              inet_listener lmtp {
                address = {{Host}}
                port = {{LmtpPort}}
              }
            }
            protocol lmtp {
              mail_plugins = $mail_plugins sieve
            }
            plugin {
              sieve = file:~/sieve;active=~/.dovecot.sieve
            }
            """);

        await File.WriteAllTextAsync(Path.Combine(PostfixConfig, "main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {postfix}/spool
            data_directory = {postfix}/data
            mail_owner = postfix
            setgid_group = postdrop
            syslog_name = {Path.GetFileName(root)}
            maillog_file_prefixes = /tmp, {Path.GetTempPath().TrimEnd('/')}
            maillog_file = {postfix}/postfix.log
            inet_interfaces = {Host}
            inet_protocols = ipv4
            myhostname = mail.flowdesk.test
            mydomain = flowdesk.test
            myorigin = flowdesk.test
            mydestination =
            local_recipient_maps =
            alias_maps =
            alias_database =
            mynetworks = 127.0.0.0/8
            relay_domains = flowdesk.test example.org example.com
            relay_recipient_maps =
            relay_transport = lmtp:inet:{Host}:{LmtpPort}
            transport_maps = texthash:{PostfixConfig}/transport
            smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
            smtpd_recipient_restrictions = check_recipient_access texthash:{PostfixConfig}/recipient_access
            smtpd_reject_unlisted_recipient = no
            local_header_rewrite_clients =
            smtpd_banner = $myhostname ESMTP
            biff = no
            append_dot_mydomain = no
            message_size_limit = 104857600
            smtputf8_enable = no
            delay_warning_time = 0
            """);
        await File.WriteAllTextAsync(Path.Combine(PostfixConfig, "recipient_access"), $"{RefusedRecipient} 550 5.1.1 no such user here\n");
        await File.WriteAllTextAsync(Path.Combine(PostfixConfig, "transport"), $"{BouncingRecipient} error:5.1.1 mailbox unavailable\n");
        await File.WriteAllTextAsync(Path.Combine(PostfixConfig, "master.cf"), $"""
            {Host}:{SmtpPort} inet n - n - - smtpd
            pickup    unix  n - n 60 1 pickup
            cleanup   unix  n - n - 0 cleanup
            qmgr      unix  n - n 300 1 qmgr
            rewrite   unix  - - n - - trivial-rewrite
            bounce    unix  - - n - 0 bounce
            defer     unix  - - n - 0 bounce
            trace     unix  - - n - 0 bounce
            verify    unix  - - n - 1 verify
            flush     unix  n - n 1000 0 flush
            proxymap  unix  - - n - - proxymap
            smtp      unix  - - n - - smtp
            relay     unix  - - n - - smtp
            showq     unix  n - n - - showq
            error     unix  - - n - - error
            retry     unix  - - n - - error
            discard   unix  - - n - - discard
            lmtp      unix  - - n - - lmtp
            anvil     unix  - - n - 1 anvil
            scache    unix  - - n - 1 scache
            postlog   unix-dgram n - n - 1 postlogd

            """);
        await RunAsync($"chown mail:mail '{mail}' && chown postfix:postfix '{postfix}/data' && chmod 755 '{root}'");
    }

    /// <summary>Runs a command through sh with its output appended to the server's log (daemons then keep no pipe of ours).</summary>
    async Task RunAsync(string command)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec >>'{Log}' 2>&1 </dev/null; echo '$ {command.Replace("'", "", StringComparison.Ordinal)}'; {command}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot run: {command}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"'{command}' failed with exit code {process.ExitCode}:\n{Tail(Log)}");
    }

    static async Task WaitForPortAsync(int port, bool open, string what, MailServer server)
    {
        for (var i = 0; i < 300; i++)
        {
            if (PortOpen(port) == open) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{what} on port {port} did not {(open ? "start" : "stop")}. Log:\n{Tail(server.Log)}\n{Tail(Path.Combine(server.root, "dovecot", "dovecot.log"))}\n{Tail(Path.Combine(server.root, "postfix", "postfix.log"))}");
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

    static bool ProcessAlive(string pidFile)
    {
        try
        {
            var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    static string Tail(string file) =>
        File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(30)) : $"({file} does not exist)";

    static int GetUid()
    {
        try
        {
            var status = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return status is null ? -1 : int.Parse(status.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>Servers of runs that were killed: their owner process is gone. A concurrent run's stay.</summary>
    static void RemoveLeftovers()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var owner = Path.Combine(dir, "owner.pid");
            if (File.Exists(owner) ? ProcessAlive(owner) : Directory.GetCreationTimeUtc(dir) > DateTime.UtcNow.AddMinutes(-10)) continue; // a run starting right now
            Stop(dir);
        }
    }

    void StopNow()
    {
        if (disposed) return;
        disposed = true;
        Stop(root);
    }

    static void Stop(string dir)
    {
        foreach (var command in new[]
                 {
                     $"[ -f '{dir}/postfix/etc/main.cf' ] && /usr/sbin/postfix -c '{dir}/postfix/etc' abort",
                     $"[ -f '{dir}/dovecot/dovecot.conf' ] && /usr/sbin/dovecot -c '{dir}/dovecot/dovecot.conf' stop",
                 })
        {
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"({command}) >/dev/null 2>&1 </dev/null");
            using var process = Process.Start(start);
            process?.WaitForExit(30_000);
        }
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public ValueTask DisposeAsync()
    {
        StopNow();
        return ValueTask.CompletedTask;
    }
}
