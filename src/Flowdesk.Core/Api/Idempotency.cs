using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Flowdesk.Api;

/// <summary>
/// Safe retries for creates: the first answer to (caller, Idempotency-Key) is stored in the same transaction
/// as what it created, and a retry with the same key and body within 24 hours gets that answer back.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public sealed record Created<T>(T Value, string Location);

    /// <summary>
    /// Runs <paramref name="create"/> unless this key was already answered. <paramref name="create"/> reads and adds
    /// its entities without saving (no writes of its own but the ticket number, which may leave a gap) and returns either
    /// the created value or a problem; this method then saves once, in a transaction with the idempotency record.
    /// </summary>
    public static async Task<IResult> CreateAsync<TRequest, T>(
        HttpContext http, FlowdeskDb db, Guid callerId, TRequest request,
        Func<Task<Union<Created<T>, IResult>>> create, CancellationToken ct)
    {
        var t = http.RequestServices.GetRequiredService<IStringLocalizer<Messages>>();
        var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        string? key = http.Request.Headers[Header];
        // create() only reads and adds, and one SaveChanges writes it all (with the idempotency record) in EF's own
        // transaction. That transaction begins after the save interceptors have done their work (the SLA due times,
        // history, notifications), so a SQLite writer holds the database's single write lock for the writes alone,
        // not for the form checks, the process start-up or the due-time computation before them.
        if (key is null) return await Save(await create(), null);

        if (key.Length is 0 or > 200 || key.Any(c => c is < '!' or > '~'))
            return Problems.Validation(t, Header, t.Text("problem.idempotency_invalid"));

        var hash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, json)));
        var now = clock.GetUtcNow();
        var earlier = await db.IdempotencyRecords.SingleOrDefaultAsync(r => r.CallerId == callerId && r.Key == key, ct);
        if (earlier is not null && earlier.CreatedAt + Window > now)
            return Replay(earlier, hash, t);
        if (earlier is not null) db.IdempotencyRecords.Remove(earlier);

        try
        {
            return await Save(await create(), value => new IdempotencyRecord(callerId, key, hash, StatusCodes.Status201Created,
                value.Location, JsonSerializer.Serialize(value.Value, json), now));
        }
        catch (DbUpdateException)
        {
            // A concurrent retry with the same key won the race; its transaction holds the ticket. Answer as it did.
            db.ChangeTracker.Clear();
            var winner = await db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.CallerId == callerId && r.Key == key, ct);
            if (winner is null) throw;
            return Replay(winner, hash, t);
        }

        async Task<IResult> Save(Union<Created<T>, IResult> result, Func<Created<T>, IdempotencyRecord>? record)
        {
            if (result.Second is { } problem) return problem;
            var created = result.First!;
            if (record is not null) db.IdempotencyRecords.Add(record(created));
            await db.SaveChangesAsync(ct);
            return TypedResults.Created(created.Location, created.Value);
        }
    }

    static IResult Replay(IdempotencyRecord earlier, string hash, IStringLocalizer t)
    {
        if (earlier.RequestHash != hash)
            return Problems.Conflict(t, "idempotency-key-reused", "problem.idempotency.title", t.Text("problem.idempotency.detail"));
        return new StoredResult(earlier);
    }

    /// <summary>The stored first answer, replayed byte for byte with a marker header.</summary>
    sealed class StoredResult(IdempotencyRecord record) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = record.Status;
            if (record.Location is not null) httpContext.Response.Headers.Location = record.Location;
            httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            await httpContext.Response.WriteAsync(record.Body, httpContext.RequestAborted);
        }
    }
}

/// <summary>Either a value or another thing (here: a created value or a problem result).</summary>
public readonly record struct Union<TFirst, TSecond>(TFirst? First, TSecond? Second)
{
    public static implicit operator Union<TFirst, TSecond>(TFirst first) => new(first, default);
    public static Union<TFirst, TSecond> Fail(TSecond second) => new(default, second);
}
