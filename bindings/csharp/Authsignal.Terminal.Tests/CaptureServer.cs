// A one-request-per-connection HTTP server (or CONNECT proxy) on loopback that records what
// the library sent and answers what a test scripts: for what the simulator cannot show (the
// request body and headers) or cannot answer (a 400).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace Authsignal.Terminal.Tests
{
    internal sealed class CapturedRequest
    {
        internal string RequestLine { get; set; }

        internal Dictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        internal string Body { get; set; }
    }

    internal sealed class CaptureServer : IDisposable
    {
        private readonly TcpListener listener;
        private readonly Thread thread;
        private readonly int status;
        private readonly string body;
        private volatile bool stopping;

        internal CaptureServer(int status = 200, string body = "{\"challengeId\":\"ch_capture_1\",\"status\":\"PENDING\"}")
        {
            this.status = status;
            this.body = body;
            listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            thread = new Thread(Serve) { IsBackground = true };
            thread.Start();
        }

        internal ConcurrentQueue<CapturedRequest> Requests { get; } = new ConcurrentQueue<CapturedRequest>();

        internal int Port
        {
            get { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        }

        internal string BaseUrl
        {
            get { return "http://127.0.0.1:" + Port + "/v1"; }
        }

        internal CapturedRequest Single()
        {
            CapturedRequest request;
            if (Requests.Count != 1 || !Requests.TryPeek(out request))
            {
                throw new InvalidOperationException("expected exactly one request, got " + Requests.Count);
            }
            return request;
        }

        public void Dispose()
        {
            // On Linux, CoreCLR's Stop() does not wake a thread blocked in accept (Mono's
            // does): a connection of our own does, and the loop then sees it is stopping.
            stopping = true;
            try
            {
                using (var wake = new TcpClient())
                {
                    wake.Connect(IPAddress.Loopback, Port);
                }
            }
            catch (SocketException)
            {
                // Nothing listens any more: nothing to wake.
            }
            listener.Stop();
            thread.Join(2000);
        }

        /// <summary>A loopback port nothing listens on (for connect failures).</summary>
        internal static int ClosedPort()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }

        private void Serve()
        {
            while (true)
            {
                TcpClient connection;
                try
                {
                    connection = listener.AcceptTcpClient();
                }
                catch (Exception)
                {
                    return; // stopped
                }
                if (stopping)
                {
                    connection.Dispose();
                    return;
                }
                using (connection)
                {
                    try
                    {
                        Handle(connection.GetStream());
                    }
                    catch (IOException)
                    {
                        // the client went away; nothing to record
                    }
                }
            }
        }

        private void Handle(NetworkStream stream)
        {
            var request = new CapturedRequest();
            var head = new StringBuilder();
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                int b = stream.ReadByte();
                if (b < 0)
                {
                    return;
                }
                head.Append((char)b);
            }
            string[] lines = head.ToString().Split(new[] { "\r\n" }, StringSplitOptions.RemoveEmptyEntries);
            request.RequestLine = lines[0];
            for (int i = 1; i < lines.Length; i++)
            {
                int colon = lines[i].IndexOf(':');
                request.Headers[lines[i].Substring(0, colon).Trim()] = lines[i].Substring(colon + 1).Trim();
            }
            string lengthText;
            int length = request.Headers.TryGetValue("Content-Length", out lengthText) ? int.Parse(lengthText) : 0;
            var content = new byte[length];
            int read = 0;
            while (read < length)
            {
                int n = stream.Read(content, read, length - read);
                if (n <= 0)
                {
                    return;
                }
                read += n;
            }
            request.Body = Encoding.UTF8.GetString(content);
            Requests.Enqueue(request);

            if (request.RequestLine.StartsWith("CONNECT ", StringComparison.Ordinal))
            {
                // Acting as a proxy: open the tunnel, then answer the request sent through it.
                byte[] established = Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection established\r\n\r\n");
                stream.Write(established, 0, established.Length);
                Handle(stream);
                return;
            }

            byte[] answer = Encoding.UTF8.GetBytes(body);
            byte[] header = Encoding.ASCII.GetBytes(
                "HTTP/1.1 " + status + " Scripted\r\nContent-Type: application/json\r\nContent-Length: "
                + answer.Length + "\r\nConnection: close\r\n\r\n");
            stream.Write(header, 0, header.Length);
            stream.Write(answer, 0, answer.Length);
            stream.Flush();
        }
    }
}
