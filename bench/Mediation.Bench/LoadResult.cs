namespace Mediation.Bench;

/// <summary>What one measured run produced.</summary>
public sealed record LoadResult(string Target, string Load, int Requests, double Seconds, double P50, double P95, double P99, double Max,
    IReadOnlyDictionary<int, int> Errors)
{
    public double PerSecond => Requests / Seconds;
    public IReadOnlyDictionary<string, (int count, double p50)> ByAction { get; init; } = new Dictionary<string, (int, double)>();
    public int ErrorCount => Errors.Values.Sum();
    public string ErrorText => ErrorCount == 0 ? "0" : $"{ErrorCount} ({string.Join(", ", Errors.Select(e => e.Key == 0 ? $"{e.Value}× exception" : $"{e.Value}× {e.Key}"))})";
}

/// <summary>Collects latencies and errors from concurrent requests.</summary>
sealed class Recorder
{
    readonly List<double> _millis = new(100_000);
    readonly Dictionary<int, int> _errors = [];
    readonly Dictionary<string, List<double>> _byAction = [];

    public void Add(double millis, int status, string action = "")
    {
        lock (_millis)
        {
            if (status is >= 200 and < 300)
            {
                _millis.Add(millis);
                if (!_byAction.TryGetValue(action, out var list)) _byAction[action] = list = [];
                list.Add(millis);
            }
            else _errors[status] = _errors.GetValueOrDefault(status) + 1;
        }
    }

    /// <summary>Median latency per command: where a lifecycle's time goes.</summary>
    public IReadOnlyDictionary<string, (int count, double p50)> ByAction()
    {
        lock (_millis)
            return _byAction.ToDictionary(a => a.Key, a => { a.Value.Sort(); return (a.Value.Count, Percentiles.Of(a.Value, 50)); });
    }

    public LoadResult Result(string target, string load, double seconds)
    {
        var byAction = ByAction();
        lock (_millis)
        {
            _millis.Sort();
            return new LoadResult(target, load, _millis.Count, seconds, Percentiles.Of(_millis, 50), Percentiles.Of(_millis, 95),
                Percentiles.Of(_millis, 99), _millis.Count == 0 ? double.NaN : _millis[^1], new Dictionary<int, int>(_errors)) { ByAction = byAction };
        }
    }
}
