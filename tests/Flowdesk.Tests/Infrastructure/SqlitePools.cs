using Microsoft.Data.Sqlite;

namespace Flowdesk.Tests.Infrastructure;

/// <summary>
/// Closes the pooled connections of one SQLite file. Never SqliteConnection.ClearAllPools in a test: it clears the
/// pools of every test running beside it, and a clear that lands while another test is opening a connection can
/// dispose that connection's native handle under it.
/// </summary>
public static class SqlitePools
{
    public static void Clear(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file}");
        SqliteConnection.ClearPool(connection);
    }
}
