namespace Flowdesk.Bench.Generation;

/// <summary>How big an organisation to generate. Comments and history rows follow from the tickets (3 and 6 each on average).</summary>
public sealed record Scale(string Name, int People, int Tickets, int Days, int HeavyEvery)
{
    public static readonly Scale Tiny = new("tiny", 500, 2_000, 60, 500);
    public static readonly Scale Small = new("small", 5_000, 50_000, 365, 5_000);
    public static readonly Scale Large = new("large", 50_000, 1_000_000, 730, 10_000);

    public static Scale Parse(string name) => name switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "large" => Large,
        _ => throw new ArgumentException($"unknown scale '{name}' (tiny, small or large)"),
    };
}

/// <summary>What the load generator needs to know about the generated data (written beside the database).</summary>
public sealed record Manifest(string Scale, string Database, int Tickets, List<string> HeavyTickets, List<string> SampleTickets, List<string> SearchTerms);
