#!/usr/bin/python3
# The portal in a real browser (Chromium headless driven by Selenium), run by
# portal-browser.sh: a newcomer opens the service page and the shop, requests a number,
# mistypes and reads what to do, the operator approves (in SQL until the console exists), the
# newcomer makes the final selection and gets the bank-transfer reference, the operator records
# the payment, the newcomer chooses the phone's password and gets the SIP account. One PASS:/FAIL: line per check; a screenshot of each page in SHOTS.
import os
import re
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

URL = sys.argv[1]
SHOTS = sys.argv[2]
os.makedirs(SHOTS, exist_ok=True)
failed = 0


def check(name, ok, detail=""):
    global failed
    if ok:
        print("PASS: " + name)
    else:
        failed += 1
        if detail:
            print("  " + str(detail)[:400])
        print("FAIL: " + name)


def psql(sql):
    return subprocess.run(["psql", "-X", "-At", "-c", sql], capture_output=True, text=True).stdout.strip()


def shot(driver, name):
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


profile = tempfile.mkdtemp(prefix="vce-chromium-")
opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run",
          "--window-size=1200,1000", "--user-data-dir=" + profile]:
    opts.add_argument(a)
opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(20)
try:
    body = lambda: driver.find_element(By.TAG_NAME, "body").text

    # The service page, styled by vced's own style sheet (the CSP lets it in, nothing inline).
    driver.get(URL + "/")
    shot(driver, "01-home")
    check("the service page shows the call prices", "Call prices" in body() and "Korea fixed" in body(), body())
    bg = driver.find_element(By.TAG_NAME, "header").value_of_css_property("background-color")
    check("the style sheet served by vced applies", bg in ("rgba(21, 57, 91, 1)", "rgb(21, 57, 91)"), bg)
    csp = [e for e in driver.get_log("browser") if "Content Security Policy" in e.get("message", "")]
    check("no Content-Security-Policy violation", not csp, csp)

    # The number shop: Korean personal numbers.
    driver.find_element(By.LINK_TEXT, "Number shop").click()
    Select(driver.find_element(By.NAME, "kind")).select_by_value("pin")
    Select(driver.find_element(By.NAME, "country")).select_by_value("082")
    driver.find_element(By.CSS_SELECTOR, "form.search button").click()
    shot(driver, "02-shop")
    results = driver.find_element(By.ID, "results").text
    check("the shop lists 02-777-7777-082 for 150.00", "02-777-7777-082" in results and "150.00" in results, results)
    check("the shop does not offer a sold number", "02-6200-6200-082" not in results, results)

    # A mistyped search says what to type.
    driver.find_element(By.NAME, "digits").send_keys("62x0")
    driver.find_element(By.CSS_SELECTOR, "form.search button").click()
    shot(driver, "03-shop-refused")
    check("a mistyped search says what may be typed",
          "may contain only 0-9" in driver.find_element(By.ID, "message").text, body())

    # The request form: the newcomer forgets the PSTN number first.
    driver.get(URL + "/shop?kind=pin&country=082")
    driver.find_element(By.CSS_SELECTOR, 'a[href="/order?number=02-777-7777-082"]').click()
    check("the request form names the number", "02-777-7777-082" in driver.find_element(By.TAG_NAME, "h1").text, body())
    driver.find_element(By.NAME, "name").send_keys("Choi Yuna")
    Select(driver.find_element(By.NAME, "country")).select_by_value("082")
    driver.find_element(By.NAME, "email").send_keys("yuna.choi@example.org")
    shot(driver, "04-order-form")
    driver.find_element(By.ID, "request").click()
    shot(driver, "05-order-refused")
    msg = driver.find_element(By.ID, "message").text
    check("without a PSTN number: says what is needed", "contactable PSTN number is required" in msg, msg)
    check("what was typed is kept", driver.find_element(By.NAME, "name").get_attribute("value") == "Choi Yuna")
    driver.find_element(By.NAME, "contact_pstn").send_keys("+82 2-3333-4444")
    driver.find_element(By.ID, "request").click()
    shot(driver, "06-order-requested")
    check("the order is requested", driver.find_element(By.ID, "status").text == "requested", body())
    m = re.search(r"/order/status\?id=(\d+)&t=[0-9a-f]{64}$", driver.current_url)
    check("the order has its secret link", m is not None, driver.current_url)
    oid = m.group(1) if m else "0"
    link = driver.current_url

    # The operator approves; the newcomer makes the final selection.
    psql("SELECT number_approve(%s)" % oid)
    driver.get(link)
    shot(driver, "07-order-approved")
    driver.find_element(By.ID, "select").click()
    shot(driver, "08-order-selected")
    nxt = driver.find_element(By.ID, "next").text
    ref = re.search(r"VCE-%s-[0-9A-F]{6}" % oid, nxt)
    check("after the selection: the amount and the bank-transfer reference", ref is not None and "150.00" in nxt, nxt)

    # The operator records the transfer with that reference: the number is the newcomer's.
    out = psql("SELECT number_pay(%s, 150.00, '%s', 'bank transfer')" % (oid, ref.group(0) if ref else "x"))
    check("the operator records the payment", out == "02-777-7777-082", out)
    driver.get(link)
    shot(driver, "09-order-paid")
    check("the order page says paid", driver.find_element(By.ID, "status").text == "paid", body())

    # Registration's last step: the phone's password; the result gives the SIP account.
    driver.find_element(By.NAME, "password").send_keys("yuna-pass-1")
    driver.find_element(By.NAME, "password2").send_keys("yuna-pass-2")
    driver.find_element(By.ID, "register").click()
    shot(driver, "10-register-refused")
    check("two different passwords: says to type the same twice",
          "type the same password twice" in driver.find_element(By.ID, "message").text, body())
    driver.find_element(By.NAME, "password").send_keys("yuna-pass-1")
    driver.find_element(By.NAME, "password2").send_keys("yuna-pass-1")
    driver.find_element(By.ID, "register").click()
    shot(driver, "11-registered")
    accounts = driver.find_element(By.ID, "accounts").text
    check("the result gives the SIP username and realm", "027777777082" in accounts and "vce.local" in accounts, accounts)

    # A forged form (no CSRF cookie match) is refused with a message, in the browser too.
    driver.delete_cookie("vce_csrf")
    driver.get(URL + "/order?number=03-6200-6200-081")
    driver.delete_cookie("vce_csrf")
    driver.find_element(By.NAME, "name").send_keys("Mallory")
    Select(driver.find_element(By.NAME, "country")).select_by_value("082")
    driver.find_element(By.ID, "request").click()
    shot(driver, "12-order-forged")
    check("a form without its cookie is refused and says to send it again",
          "send it again" in driver.find_element(By.ID, "message").text, body())
finally:
    driver.quit()
    subprocess.run(["rm", "-rf", profile])
sys.exit(1 if failed else 0)
