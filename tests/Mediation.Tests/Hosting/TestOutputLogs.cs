using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Mediation.Tests.Hosting;

/// <summary>
/// Where a test host's logs go: not to the console, where thousands of lines of expected refusals and
/// conflicts would bury the test run's summary, but into the output of the test that is running when
/// they are written, which the test platform shows when that test fails.
/// </summary>
public sealed class TestOutputLogs : ILoggerProvider
{
    public static void Route(ILoggingBuilder logging)
    {
        logging.AddFilter<ConsoleLoggerProvider>(_ => false);
        logging.AddProvider(new TestOutputLogs());
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose() { }

    sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Background work (the durability agent, the projection daemon) runs outside any test.
            if (TestContext.Current is not { TestStatus: TestEngineStatus.Running, TestOutputHelper: { } output }) return;
            try
            {
                output.WriteLine($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test finished between the check and the write.
            }
        }
    }
}
