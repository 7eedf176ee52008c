"""Drive a command in a pseudo-terminal, expect-style, for the interactive CLI tests.

usage: python3 drive.py '<json: {"argv": [...], "steps": [[regex, text], ...], "timeout": s}>'
Waits for each regex in the output, then types the text (\\x04 is Ctrl-D). Prints everything the
program wrote; exits 3 when an expected regex never shows (the output so far is still printed).
"""
import json, os, pty, re, select, sys, time

spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.environ['COLUMNS'] = '100'
    os.execvp(spec['argv'][0], spec['argv'])

out = b''
pos = 0  # where the next expectation starts looking: just after the previous match

def read_until(pattern, timeout):
    global out, pos
    deadline = time.time() + timeout
    rx = re.compile(pattern.encode())
    while True:
        m = rx.search(out, pos)
        if m:
            pos = m.end()
            return True
        if time.time() >= deadline:
            return False
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b''
            if not data:
                m = rx.search(out, pos)
                return bool(m)
            out += data

code = 0
for pattern, text in spec['steps']:
    if not read_until(pattern, spec.get('timeout', 20)):
        sys.stderr.write('never saw: %s\n' % pattern)
        code = 3
        break
    time.sleep(0.2)
    for part in re.split('(\x04)', text):
        if part == '\x04':
            time.sleep(0.4)
            os.write(fd, b'\x04')
            time.sleep(0.4)
        elif part:
            os.write(fd, part.encode())
    time.sleep(0.2)
read_until(r'(?!x)x', 1.5)  # drain what is left for a moment
try:
    os.kill(pid, 9)
except OSError:
    pass
sys.stdout.write(out.decode('utf-8', 'replace'))
sys.exit(code)
