namespace Flowdesk.Tests.Persistence;

/// <summary>
/// A fact that needs a real PostgreSQL server: runs when FLOWDESK_TEST_PG holds a connection string
/// (test.sh and CI always set it), and is reported as skipped otherwise.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "FLOWDESK_TEST_PG";

    public PostgresFactAttribute()
    {
        if (ConnectionString is null) Skip = $"{Variable} is not set: no PostgreSQL server to test against.";
    }

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
}
