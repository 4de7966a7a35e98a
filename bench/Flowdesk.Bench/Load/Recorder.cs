namespace Flowdesk.Bench.Load;

/// <summary>Latencies of one operation in one phase; each worker has its own, merged at the end.</summary>
public sealed class OperationSamples
{
    public List<double> Milliseconds { get; } = [];
    public int Errors { get; set; }
    public int Conflicts { get; set; }
    public string? FirstError { get; set; }

    public void Merge(OperationSamples other)
    {
        Milliseconds.AddRange(other.Milliseconds);
        Errors += other.Errors;
        Conflicts += other.Conflicts;
        FirstError ??= other.FirstError;
    }
}

public sealed record OperationFigures(string Operation, int Count, int Errors, int Conflicts, double PerSecond, double P50, double P95, double P99, string? FirstError)
{
    public static OperationFigures From(string operation, OperationSamples samples, double seconds)
    {
        var sorted = samples.Milliseconds.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new(operation, sorted.Length, samples.Errors, samples.Conflicts, sorted.Length / seconds, At(0.50), At(0.95), At(0.99), samples.FirstError);
    }
}

/// <summary>ServerCpuSeconds: user + system CPU the server used during the phase — per request, a figure other work on the machine barely moves.</summary>
public sealed record PhaseFigures(string Name, int Concurrency, double Seconds, List<OperationFigures> Operations, long ServerRssKb, double ServerCpuSeconds);

public sealed record LoadFigures(string Url, List<PhaseFigures> Phases, long ServerPeakRssKb, List<string> NotYetBuilt);
