using System.Net;
using System.Net.Sockets;

namespace Mediation.Tests.Hosting;

/// <summary>
/// A TCP relay on loopback in front of a database server: cut, it drops every relayed connection and
/// refuses new ones, as a stopped server or a broken network does; opened again, it relays afresh.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    readonly string _host;
    readonly int _targetPort;
    readonly List<TcpClient> _connections = [];
    TcpListener? _listener;

    public TcpRelay(string host, int targetPort)
    {
        (_host, _targetPort) = (host, targetPort);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Open();
    }

    public int Port { get; }

    public void Open()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Start();
        _listener = listener;
        _ = AcceptAsync(listener);
    }

    public void Cut()
    {
        _listener?.Stop();
        _listener = null;
        lock (_connections)
        {
            foreach (var connection in _connections) connection.Dispose();
            _connections.Clear();
        }
    }

    async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            var server = new TcpClient();
            try { await server.ConnectAsync(_host, _targetPort); }
            catch (SocketException) { client.Dispose(); server.Dispose(); continue; }
            lock (_connections) _connections.AddRange([client, server]);
            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    static async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try { await from.GetStream().CopyToAsync(to.GetStream()); }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException) { }
        from.Dispose();
        to.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
