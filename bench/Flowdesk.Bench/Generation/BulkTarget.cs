using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Flowdesk.Bench.Generation;

/// <summary>The kinds of column value the generator writes; each database maps them to its own storage.</summary>
public enum ColumnType { Uuid, Text, Number, BigNumber, Bool, Instant }

public sealed record Column(string Name, ColumnType Type);

/// <summary>One table being filled, a row at a time, through the database's bulk path.</summary>
public abstract class TableWriter : IDisposable
{
    public long Rows { get; protected set; }
    public abstract void Uuid(Guid value);
    public abstract void Uuid(Guid? value);
    public abstract void Text(string? value);
    public abstract void Number(int value);
    public abstract void BigNumber(long value);
    public abstract void Bool(bool value);
    public abstract void Instant(DateTimeOffset? value);
    public abstract void StartRow();
    public abstract void EndRow();
    public abstract void Complete();
    public abstract void Dispose();
}

/// <summary>
/// A migrated Flowdesk database opened for bulk loading: secondary indexes of the loaded tables are dropped
/// before and rebuilt after (the definitions are read from the database, so the schema stays the app's own),
/// foreign keys are not checked row by row (the generator keeps them consistent by construction).
/// </summary>
public abstract class BulkTarget : IDisposable
{
    public abstract string Name { get; }
    public abstract DbConnection Connection { get; }
    public abstract TableWriter Open(string table, IReadOnlyList<Column> columns);
    public abstract void DropIndexes(IEnumerable<string> tables);
    public abstract void RebuildIndexes();
    public abstract void Finish();
    public abstract void Dispose();

    public static BulkTarget Create(string database, string connection) => database switch
    {
        "postgres" => new PostgresTarget(connection),
        "sqlite" => new SqliteTarget(connection),
        _ => throw new ArgumentException($"unknown database '{database}' (sqlite or postgres)"),
    };

    public long Scalar(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }

    public List<(Guid Id, string Key, string Prefix, long LastNumber)> Desks()
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT id, key, ticket_prefix, last_number FROM desks";
        using var reader = command.ExecuteReader();
        List<(Guid, string, string, long)> desks = [];
        while (reader.Read()) desks.Add((ReadGuid(reader, 0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        return desks;
    }

    public Dictionary<string, Guid> Keyed(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        Dictionary<string, Guid> result = [];
        while (reader.Read()) result[reader.GetString(0)] = ReadGuid(reader, 1);
        return result;
    }

    static Guid ReadGuid(DbDataReader reader, int i) => reader.GetFieldType(i) == typeof(Guid) ? reader.GetGuid(i) : Guid.Parse(reader.GetString(i));
}

sealed class PostgresTarget : BulkTarget
{
    // Superuser only (the bench's own cluster): skips the FK triggers while COPY runs.
    const string Session = "SET session_replication_role = replica; SET maintenance_work_mem = '1GB'; SET synchronous_commit = off";
    readonly string connectionString;
    readonly NpgsqlConnection connection;
    readonly List<string> dropped = [];

    public PostgresTarget(string connectionString)
    {
        this.connectionString = connectionString;
        connection = new NpgsqlConnection(connectionString);
        connection.Open();
        Execute(Session);
    }

    public override string Name => "postgres";
    public override DbConnection Connection => connection;

    // Each table gets its own connection, so several COPY streams run side by side (tickets, comments, history).
    public override TableWriter Open(string table, IReadOnlyList<Column> columns)
    {
        var own = new NpgsqlConnection(connectionString);
        own.Open();
        using (var command = own.CreateCommand())
        {
            command.CommandText = Session;
            command.ExecuteNonQuery();
        }
        return new Writer(own, own.BeginBinaryImport($"COPY {table} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)"));
    }

    public override void DropIndexes(IEnumerable<string> tables)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(@tables)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """;
        command.Parameters.AddWithValue("tables", tables.ToArray());
        List<(string Name, string Definition)> indexes = [];
        using (var reader = command.ExecuteReader())
            while (reader.Read()) indexes.Add((reader.GetString(0), reader.GetString(1)));
        foreach (var (name, definition) in indexes)
        {
            Execute($"DROP INDEX \"{name}\"");
            dropped.Add(definition);
        }
    }

    public override void RebuildIndexes()
    {
        foreach (var definition in dropped) Execute(definition);
        dropped.Clear();
    }

    public override void Finish() => Execute("ANALYZE");

    public override void Dispose() => connection.Dispose();

    sealed class Writer(NpgsqlConnection own, NpgsqlBinaryImporter importer) : TableWriter
    {
        public override void StartRow() => importer.StartRow();
        public override void EndRow() => Rows++;
        public override void Uuid(Guid value) => importer.Write(value, NpgsqlDbType.Uuid);
        public override void Uuid(Guid? value)
        {
            if (value is { } v) importer.Write(v, NpgsqlDbType.Uuid); else importer.WriteNull();
        }
        public override void Text(string? value)
        {
            if (value is null) importer.WriteNull(); else importer.Write(value, NpgsqlDbType.Text);
        }
        public override void Number(int value) => importer.Write(value, NpgsqlDbType.Integer);
        public override void BigNumber(long value) => importer.Write(value, NpgsqlDbType.Bigint);
        public override void Bool(bool value) => importer.Write(value, NpgsqlDbType.Boolean);
        public override void Instant(DateTimeOffset? value)
        {
            if (value is { } v) importer.Write(v.UtcDateTime, NpgsqlDbType.TimestampTz); else importer.WriteNull();
        }
        public override void Complete() => importer.Complete();
        public override void Dispose()
        {
            importer.Dispose();
            own.Dispose();
        }
    }
}

sealed class SqliteTarget : BulkTarget
{
    readonly SqliteConnection connection;
    readonly SqliteTransaction transaction;
    readonly List<string> dropped = [];

    public SqliteTarget(string connectionString)
    {
        connection = new SqliteConnection(connectionString);
        connection.Open();
        Execute("PRAGMA foreign_keys=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-512000; PRAGMA temp_store=MEMORY");
        transaction = connection.BeginTransaction();
    }

    public override string Name => "sqlite";
    public override DbConnection Connection => connection;

    public override TableWriter Open(string table, IReadOnlyList<Column> columns)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
        foreach (var (_, i) in columns.Select((c, i) => (c, i))) command.Parameters.Add(new SqliteParameter("$p" + i, null));
        command.Prepare();
        return new Writer(command);
    }

    public override void DropIndexes(IEnumerable<string> tables)
    {
        List<(string Name, string Sql)> indexes = [];
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({string.Join(", ", tables.Select(t => $"'{t}'"))})";
            using var reader = command.ExecuteReader();
            while (reader.Read()) indexes.Add((reader.GetString(0), reader.GetString(1)));
        }
        foreach (var (name, sql) in indexes)
        {
            Run($"DROP INDEX \"{name}\"");
            dropped.Add(sql);
        }
    }

    public override void RebuildIndexes()
    {
        foreach (var sql in dropped) Run(sql);
        dropped.Clear();
    }

    // No ANALYZE: the app never runs it, so the planner sees what a grown production file would show.
    public override void Finish() => transaction.Commit();

    void Run(string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public override void Dispose()
    {
        transaction.Dispose();
        connection.Dispose();
    }

    // EF Core's SQLite mapping: GUIDs as upper-case text, instants as UTC ticks (ProviderContexts.cs), bools as 0/1.
    sealed class Writer(SqliteCommand command) : TableWriter
    {
        int column;
        public override void StartRow() => column = 0;
        void Set(object? value) => command.Parameters[column++].Value = value ?? DBNull.Value;
        public override void EndRow()
        {
            Debug.Assert(column == command.Parameters.Count);
            command.ExecuteNonQuery();
            Rows++;
        }
        public override void Uuid(Guid value) => Set(value.ToString().ToUpperInvariant());
        public override void Uuid(Guid? value) => Set(value?.ToString().ToUpperInvariant());
        public override void Text(string? value) => Set(value);
        public override void Number(int value) => Set(value);
        public override void BigNumber(long value) => Set(value);
        public override void Bool(bool value) => Set(value ? 1 : 0);
        public override void Instant(DateTimeOffset? value) => Set(value?.UtcTicks);
        public override void Complete() { }
        public override void Dispose() => command.Dispose();
    }
}
