namespace Mediation.Cases;

/// <summary>The state rules several commands share.</summary>
public static class Guards
{
    /// <summary>Not concluded: registered, accepted or assigned.</summary>
    public static void Open(MediationCase state, string command)
    {
        if (!state.IsOpen)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.NotOpen, $"the case is {state.Status}, no longer open");
    }

    /// <summary>Open and being worked: a petition must first be accepted.</summary>
    public static void Handling(MediationCase state, string command)
    {
        Open(state, command);
        if (state is { Kind: CaseKind.Petition, Status: CaseStatus.Registered })
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.PetitionNotAccepted, "the petition has not been accepted yet");
    }

    public static void Petition(MediationCase state, string command)
    {
        if (state.Kind != CaseKind.Petition)
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.OnlyPetitions, $"only petitions can {command}; this case is a {state.Kind}");
    }

    public static void Status(MediationCase state, string command, params CaseStatus[] allowed)
    {
        if (!allowed.Contains(state.Status))
            throw new CaseRefusal.NotAllowed(command, state, RefusalCode.WrongStatus, $"it needs a case that is {string.Join(" or ", allowed)}");
    }
}
