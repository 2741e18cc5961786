-- Neovim as an independent LSP client of the Log Warden server (Debian's neovim 0.7 has
-- vim.lsp.start_client, push diagnostics only). Started by test/nvim/run.sh:
--
--   LW_LOG=<log file> LW_EXPECTED=<json> nvim --headless --clean -c 'luafile test/nvim/lsp-check.lua'
--
-- It starts `node dist/server.js --stdio`, opens the log, waits for the diagnostics the
-- server publishes, prints them, and checks them against LW_EXPECTED
-- ({"count": n, "codes": [...sorted rule ids, one per diagnostic]}). Exit status 0 = same.

local function say(text)
  io.stdout:write(text .. '\n')
end

local function finish(ok, why)
  if not ok then say('FAIL: ' .. tostring(why)) end
  io.stdout:flush()
  os.exit(ok and 0 or 1)
end

local function main()
local root = vim.fn.getcwd()
local log_file = vim.fn.fnamemodify(os.getenv('LW_LOG') or 'example_logs/auth.log', ':p')
local expected_json = os.getenv('LW_EXPECTED')
if not expected_json then finish(false, 'LW_EXPECTED is not set') end
local expected = vim.fn.json_decode(expected_json)
local log_uri = vim.uri_from_fname(log_file)

local published = nil
local client_id = vim.lsp.start_client({
  name = 'log-warden',
  cmd = { 'node', root .. '/dist/server.js', '--stdio' },
  root_dir = root,
  init_options = { workspaceTrusted = true },
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      if result and result.uri == log_uri then published = result end
      return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
    end,
  },
  on_exit = function(code, signal)
    if published == nil then finish(false, string.format('the server exited (code %s, signal %s) before publishing', code, signal)) end
  end,
})
if not client_id then finish(false, 'vim.lsp.start_client failed') end

vim.cmd('edit ' .. vim.fn.fnameescape(log_file))
local bufnr = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(bufnr, client_id)

if not vim.wait(60000, function() return published ~= nil end, 50) then
  finish(false, 'no diagnostics published within 60 s')
end
-- Let Neovim's own handler store them, then read them back the way a user sees them.
vim.wait(200, function() return false end, 50)
local shown = vim.diagnostic.get(bufnr)

local codes = {}
say(string.format('%d diagnostics from %s for %s', #published.diagnostics, 'Log Warden', log_file))
for _, d in ipairs(published.diagnostics) do
  table.insert(codes, tostring(d.code))
  say(string.format('  %d:%d-%d  [%s] %s  %s', d.range.start.line + 1, d.range.start.character + 1,
    d.range['end'].character + 1, tostring(d.code), d.source or '?', d.message))
end
table.sort(codes)

local problems = {}
if #published.diagnostics ~= expected.count then
  table.insert(problems, string.format('%d diagnostics, expected %d', #published.diagnostics, expected.count))
end
if #shown ~= #published.diagnostics then
  table.insert(problems, string.format('Neovim shows %d of the %d published', #shown, #published.diagnostics))
end
if table.concat(codes, ',') ~= table.concat(expected.codes, ',') then
  table.insert(problems, 'codes ' .. table.concat(codes, ',') .. ' expected ' .. table.concat(expected.codes, ','))
end
for _, d in ipairs(published.diagnostics) do
  if d.source ~= 'Log Warden' then table.insert(problems, 'a diagnostic without source "Log Warden"') break end
end

vim.lsp.stop_client(client_id)
vim.wait(2000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
if #problems > 0 then finish(false, table.concat(problems, '; ')) end
say('OK: Neovim got the same diagnostics (count and codes) as the LSP tests')
finish(true)
end

local ok, err = pcall(main)
if not ok then finish(false, err) end
