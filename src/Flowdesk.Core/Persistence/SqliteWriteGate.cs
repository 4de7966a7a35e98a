using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
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
    static readonly ConditionalWeakTable<DbConnection, Turn> Turns = new();
    static readonly ConditionalWeakTable<DbTransaction, DbConnection> Transactions = new();
    static readonly ConditionalWeakTable<DbCommand, DbConnection> Statements = new();

    /// <summary>Who holds a file's gate: at most one transaction or statement per connection.</summary>
    sealed class Turn
    {
        public SemaphoreSlim? Held;
        public long Since;
        public string? FirstStatement;
        public ILogger? Log;
    }

    static SemaphoreSlim GateOf(DbConnection connection)
    {
        var file = connection is SqliteConnection sqlite ? sqlite.DataSource : connection.DataSource;
        return Gates.GetOrAdd(string.IsNullOrEmpty(file) ? connection.ConnectionString : Path.GetFullPath(file), _ => new SemaphoreSlim(1, 1));
    }

    static Turn TurnOf(DbConnection connection) => Turns.GetValue(connection, c =>
    {
        // A transaction disposed without commit or rollback raises no interceptor event; its connection closing does.
        c.StateChange += (sender, e) =>
        {
            if (e.CurrentState == ConnectionState.Closed && sender is DbConnection closed) Leave(closed);
        };
        return new Turn();
    });

    static async ValueTask EnterAsync(DbConnection connection, CancellationToken ct)
    {
        var turn = TurnOf(connection);
        if (turn.Held is not null) return;
        var gate = GateOf(connection);
        if (!await gate.WaitAsync(Patience, ct)) throw Busy();
        Took(turn, gate);
    }

    static void Enter(DbConnection connection)
    {
        var turn = TurnOf(connection);
        if (turn.Held is not null) return;
        var gate = GateOf(connection);
        if (!gate.Wait(Patience)) throw Busy();
        Took(turn, gate);
    }

    static void Took(Turn turn, SemaphoreSlim gate)
    {
        turn.Since = System.Diagnostics.Stopwatch.GetTimestamp();
        turn.FirstStatement = null;
        turn.Held = gate;
    }

    static void Leave(DbConnection connection)
    {
        if (!Turns.TryGetValue(connection, out var turn)) return;
        var gate = Interlocked.Exchange(ref turn.Held, null);
        if (gate is null) return;
        var held = System.Diagnostics.Stopwatch.GetElapsedTime(turn.Since);
        gate.Release();
        if (held >= LongHold)
            turn.Log?.LogWarning("A writer held the SQLite write lock for {Milliseconds:F0} ms while others waited; it began with: {Statement}",
                held.TotalMilliseconds, turn.FirstStatement ?? "(no statement)");
    }

    /// <summary>Remembers the first statement of the holder, for the long-hold warning.</summary>
    void Note(DbCommand command)
    {
        if (command.Connection is not { } connection || !Turns.TryGetValue(connection, out var turn) || turn.Held is null) return;
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
        if (Writes(command, data))
        {
            await EnterAsync(command.Connection!, ct);
            Statements.AddOrUpdate(command, command.Connection!);
        }
        Note(command);
    }

    void StatementStarting(DbCommand command, CommandEventData data)
    {
        if (Writes(command, data))
        {
            Enter(command.Connection!);
            Statements.AddOrUpdate(command, command.Connection!);
        }
        Note(command);
    }

    static void StatementDone(DbCommand command)
    {
        if (Statements.TryGetValue(command, out var connection) && Statements.Remove(command)) Leave(connection);
    }

    // ---- transactions: the gate is held from BEGIN to COMMIT / ROLLBACK

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(connection, cancellationToken);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result)
    {
        Enter(connection);
        return result;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Transactions.AddOrUpdate(result, connection);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(TransactionStarted(connection, eventData, result));

    // The transaction has let go of its connection by now, so the connection comes from TransactionStarted.
    static void Ended(DbTransaction transaction)
    {
        if (Transactions.TryGetValue(transaction, out var connection)) Leave(connection);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Ended(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Ended(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(transaction);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Ended(transaction);

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
        StatementDone(command);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        StatementDone(command);
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
        StatementDone(command);
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
        StatementDone(command);
        return ValueTask.FromResult(result);
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        StatementDone(command);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        StatementDone(command);
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command, eventData);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData)
    {
        StatementDone(command);
    }

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandCanceled(command, eventData);
        return Task.CompletedTask;
    }
}
