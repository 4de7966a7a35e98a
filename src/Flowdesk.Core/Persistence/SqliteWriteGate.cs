using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flowdesk.Persistence;

/// <summary>
/// Queues this process's writers to one SQLite file, first come first served. SQLite lets one writer in at a time and
/// makes the others poll (the busy handler sleeps and retries), which is unfair: under 16 concurrent creates some
/// writers lost every race and waited 10–20 s, then failed with "database is locked". Here a write transaction, or a
/// write statement outside one, first takes the file's gate, an async semaphore that wakes waiters in order, and gives
/// it back when the transaction ends (commit, rollback, failure, or its connection closing) or the statement is done.
/// Readers never wait (WAL). Other processes on the same file still meet SQLite's own busy handling.
/// </summary>
public sealed class SqliteWriteGate(ILogger? log = null) : IDbTransactionInterceptor, IDbCommandInterceptor
{
    /// <summary>A writer that keeps the others waiting longer than this is logged with the statement it began with.</summary>
    public static readonly TimeSpan LongHold = TimeSpan.FromSeconds(1);

    readonly ILogger log = log ?? NullLogger.Instance;

    /// <summary>How long a writer waits for its turn before it gives up, as SQLite's busy timeout would.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>The key of the turn among the context's slots (one turn per context, as EF gives it one connection).</summary>
    static readonly object TurnSlot = new();

    /// <summary>Who holds a file's gate: at most one transaction or statement per context (and so per connection).</summary>
    sealed class Turn
    {
        public SemaphoreSlim? Held;
        /// <summary>The gate is held by one write statement outside a transaction, until that statement is done.</summary>
        public bool ByStatement;
        public long Since;
        public string? FirstStatement;
        public ILogger? Log;
    }

    static SemaphoreSlim GateOf(DbConnection connection)
    {
        var file = connection is SqliteConnection sqlite ? sqlite.DataSource : connection.DataSource;
        return Gates.GetOrAdd(string.IsNullOrEmpty(file) ? connection.ConnectionString : Path.GetFullPath(file), _ => new SemaphoreSlim(1, 1));
    }

    /// <summary>The context's turn; null for a context that is not a Flowdesk one (left to SQLite's own busy handling).</summary>
    static Turn? TurnOf(DbContext? context, DbConnection connection) => ContextSlots.Of(context)?.GetOrAdd(TurnSlot, () =>
    {
        var turn = new Turn();
        // A transaction disposed without commit or rollback raises no interceptor event; its connection closing does.
        connection.StateChange += (_, e) =>
        {
            if (e.CurrentState == ConnectionState.Closed) Leave(turn);
        };
        return turn;
    });

    static Turn? HeldTurn(DbContext? context) =>
        ContextSlots.Of(context) is { } slots && slots.TryGet(TurnSlot, out Turn turn) && turn.Held is not null ? turn : null;

    static async ValueTask<Turn?> EnterAsync(DbContext? context, DbConnection connection, CancellationToken ct)
    {
        if (TurnOf(context, connection) is not { } turn) return null;
        if (turn.Held is not null) return turn;
        var gate = GateOf(connection);
        if (!await gate.WaitAsync(Patience, ct)) throw Busy();
        Took(turn, gate);
        return turn;
    }

    static Turn? Enter(DbContext? context, DbConnection connection)
    {
        if (TurnOf(context, connection) is not { } turn) return null;
        if (turn.Held is not null) return turn;
        var gate = GateOf(connection);
        if (!gate.Wait(Patience)) throw Busy();
        Took(turn, gate);
        return turn;
    }

    static void Took(Turn turn, SemaphoreSlim gate)
    {
        turn.Since = System.Diagnostics.Stopwatch.GetTimestamp();
        turn.FirstStatement = null;
        turn.Held = gate;
    }

    static void Leave(Turn? turn)
    {
        if (turn is null) return;
        turn.ByStatement = false;
        var gate = Interlocked.Exchange(ref turn.Held, null);
        if (gate is null) return;
        var held = System.Diagnostics.Stopwatch.GetElapsedTime(turn.Since);
        gate.Release();
        if (held >= LongHold)
            turn.Log?.LogWarning("A writer held the SQLite write lock for {Milliseconds:F0} ms while others waited; it began with: {Statement}",
                held.TotalMilliseconds, turn.FirstStatement ?? "(no statement)");
    }

    /// <summary>Remembers the first statement of the holder, for the long-hold warning.</summary>
    void Note(DbCommand command, DbContext? context)
    {
        if (HeldTurn(context) is not { } turn) return;
        turn.Log ??= log;
        if (turn.FirstStatement is null)
        {
            var text = command.CommandText.ReplaceLineEndings(" ");
            turn.FirstStatement = text.Length <= 300 ? text : text[..300] + "…";
        }
    }

    static SqliteException Busy() =>
        new($"The database stayed busy with other writers for {Patience.TotalSeconds:0} s.", 5 /* SQLITE_BUSY */);

    /// <summary>Statements outside a transaction that change data; EF's reads are left alone.</summary>
    static bool Writes(DbCommand command, CommandEventData data) =>
        command.Transaction is null && command.Connection is not null && (data.CommandSource is CommandSource.SaveChanges
            or CommandSource.ExecuteUpdate or CommandSource.ExecuteDelete or CommandSource.ExecuteSqlRaw
            || (data.CommandSource == CommandSource.FromSqlQuery && StartsWithWrite(command.CommandText)));

    /// <summary>A raw query that changes data, such as the ticket number's UPDATE … RETURNING.</summary>
    static bool StartsWithWrite(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        return text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) || text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || text.StartsWith("REPLACE", StringComparison.OrdinalIgnoreCase);
    }

    async ValueTask StatementStartingAsync(DbCommand command, CommandEventData data, CancellationToken ct)
    {
        if (Writes(command, data) && await EnterAsync(data.Context, command.Connection!, ct) is { } turn) turn.ByStatement = true;
        Note(command, data.Context);
    }

    void StatementStarting(DbCommand command, CommandEventData data)
    {
        if (Writes(command, data) && Enter(data.Context, command.Connection!) is { } turn) turn.ByStatement = true;
        Note(command, data.Context);
    }

    /// <summary>
    /// Any command of the context ended. A context runs one command at a time, so when a write statement outside a
    /// transaction holds the gate, this is that statement ending (or its reader being disposed).
    /// </summary>
    static void StatementDone(DbContext? context)
    {
        if (HeldTurn(context) is { ByStatement: true } turn) Leave(turn);
    }

    // ---- transactions: the gate is held from BEGIN to COMMIT / ROLLBACK

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(eventData.Context, connection, cancellationToken);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result)
    {
        Enter(eventData.Context, connection);
        return result;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result) => result;

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(TransactionStarted(connection, eventData, result));

    static void Ended(DbContext? context) => Leave(HeldTurn(context));

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Ended(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Ended(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Ended(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
        return Task.CompletedTask;
    }

    // ---- single write statements outside a transaction

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await StatementStartingAsync(command, eventData, cancellationToken);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        StatementStarting(command, eventData);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        StatementDone(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        StatementDone(eventData.Context);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await StatementStartingAsync(command, eventData, cancellationToken);
        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        StatementStarting(command, eventData);
        return result;
    }

    // A write with RETURNING is read to its end by EF right away; the reader's disposal ends the statement.
    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        StatementDone(eventData.Context);
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await StatementStartingAsync(command, eventData, cancellationToken);
        return result;
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        StatementStarting(command, eventData);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result,
        CancellationToken cancellationToken = default)
    {
        StatementDone(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        StatementDone(eventData.Context);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        StatementDone(eventData.Context);
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command, eventData);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData)
    {
        StatementDone(eventData.Context);
    }

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandCanceled(command, eventData);
        return Task.CompletedTask;
    }
}
