using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Flowdesk.Bench;

/// <summary>The database's own ceiling on SQLite: single-row insert transactions, one after another, as the app's pragmas set them.</summary>
public static class SqliteCeiling
{
    public static double InsertsPerSecond(string path, double seconds)
    {
        File.Delete(path);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE ceiling (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, payload TEXT NOT NULL)";
            setup.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO ceiling (at, payload) VALUES ($at, 'x')";
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        insert.Prepare();
        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            at.Value = Stopwatch.GetTimestamp();
            insert.ExecuteNonQuery(); // autocommit: one transaction per row
            count++;
        }
        var rate = count / watch.Elapsed.TotalSeconds;
        connection.Close();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
        return rate;
    }
}
