using Wolverine.Http;
using Wolverine.Marten;

namespace Mediation.Peer;

public record CaseAnswer(Guid Id, long Version);

/// <summary>
/// The minimal command endpoints of the stack's documentation: a filing starts a stream; any other
/// command fetches the case for writing (its version checked against the body's), appends one event,
/// and answers the updated aggregate. The snapshot is written in the same transaction.
/// </summary>
public static class PeerEndpoints
{
    [WolverinePost("/cases")]
    public static (CaseAnswer, IStartStream) File(FileCase command)
    {
        var start = MartenOps.StartStream<PeerCase>(Guid.CreateVersion7(), new CaseFiled(command));
        return (new CaseAnswer(start.StreamId, 1), start);
    }

    [WolverinePost("/cases/{id}/{action}")]
    public static (UpdatedAggregate, Events) Step(StepCase command, string action, [WriteAggregate] PeerCase peerCase) =>
        (new UpdatedAggregate(), [new CaseStepped(action, command.Note)]);
}
