using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tests.Attachments;

/// <summary>The size limit, on a host configured with a small one (Flowdesk:Attachments:MaxBytes = 64 KB).</summary>
public sealed class AttachmentLimitTests(AttachmentLimitTests.SmallLimitApp app) : IClassFixture<AttachmentLimitTests.SmallLimitApp>
{
    public const int Limit = 64 * 1024;

    public sealed class SmallLimitApp : FlowdeskApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Flowdesk:Attachments:MaxBytes", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    static byte[] PngOf(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(bytes, 0);
        return bytes;
    }

    [Fact]
    public async Task A_file_of_exactly_the_limit_is_accepted()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket();

        var response = await alice.PostAsync($"/api/v1/tickets/{ticket.Id()}/attachments", Samples.Form(PngOf(Limit), "limit.png"));

        await response.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_file_one_byte_over_the_limit_is_refused_with_413_and_nothing_is_stored()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket();
        var bytes = PngOf(Limit + 1);

        var response = await alice.PostAsync($"/api/v1/tickets/{ticket.Id()}/attachments", Samples.Form(bytes, "big.png"));

        var problem = await response.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("The file is larger than the limit of 64 KB.", problem.Str("detail"));
        var sha = Samples.Sha256(bytes);
        Assert.False(File.Exists(Path.Combine(app.DataPath, "attachments", sha[..2], sha[2..4], sha)));
        Assert.False(await app.Db(db => db.Attachments.AnyAsync(a => a.Sha256 == sha)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.DataPath, "attachments", "tmp")));
    }

    [Fact]
    public async Task A_body_announcing_2_GB_is_refused_with_413_before_it_is_read()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket();
        var body = new EndlessContent(2L * 1024 * 1024 * 1024);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = await alice.PostAsync($"/api/v1/tickets/{ticket.Id()}/attachments", body, timeout.Token);

        await response.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        Assert.True(body.Sent < 16 * 1024 * 1024, $"the server read {body.Sent} bytes");
    }

    [Fact]
    public async Task An_oversized_body_without_content_length_is_cut_off_at_the_limit()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket();
        var form = Samples.Form(PngOf(3 * Limit), "chunked.png");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tickets/{ticket.Id()}/attachments") { Content = new StreamContent(await form.ReadAsStreamAsync()) };
        request.Content.Headers.ContentType = form.Headers.ContentType;
        request.Headers.TransferEncodingChunked = true;

        var response = await alice.SendAsync(request);

        await response.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    /// <summary>Claims a huge length and produces zeros lazily, counting what the server pulled.</summary>
    sealed class EndlessContent(long length) : HttpContent
    {
        long sent;
        public long Sent => Interlocked.Read(ref sent);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.bin\"\r\n\r\n"u8.CopyTo(chunk);
            try
            {
                while (Sent < length)
                {
                    await stream.WriteAsync(chunk);
                    Interlocked.Add(ref sent, chunk.Length);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The server answered without reading the body: that is the point.
            }
        }

        protected override bool TryComputeLength(out long length2)
        {
            length2 = length;
            return true;
        }
    }
}
