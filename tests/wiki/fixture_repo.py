"""A small repository in eight languages, written into a temporary directory by the tests."""

from __future__ import annotations

from pathlib import Path

FILES: dict[str, str] = {
    ".gitignore": "secret_build/\n*.generated.py\n",
    "pyproject.toml": (
        '[project]\nname = "shop"\nversion = "1.2.0"\n'
        'dependencies = ["django>=5.0", "fastapi==0.110.0"]\n'
    ),
    "shop/__init__.py": "",
    "shop/models.py": '''"""Shop models."""


class Cart:
    """A shopping cart."""

    def total(self, items: list[int]) -> int:
        """Sum of the item prices."""
        return add_all(items)


def add_all(items):
    return sum(items)
''',
    "shop/views.py": '''from shop.models import Cart
from . import models


def cart_view(request):
    """Show the cart."""
    return Cart().total([1, 2])
''',
    "shop/urls.py": """from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path("api/", include("api.urls")),
    path("cart/", views.cart_view, name="cart"),
    re_path(r"^items/(?P<pk>[0-9]+)/$", views.cart_view),
]
""",
    "api/fast.py": """from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}


@app.post("/orders")
async def create_order():
    return {}
""",
    "api/flaskapp.py": """from flask import Flask

app = Flask(__name__)


@app.route("/login", methods=["GET", "POST"])
def login():
    return "ok"
""",
    "api/broken.py": "def broken(:\n    return 1\n",
    "api/skip.generated.py": "def generated():\n    pass\n",
    "secret_build/out.py": "def hidden():\n    pass\n",
    "web/package.json": '{"name": "web", "version": "0.1.0", "dependencies": {"express": "^4.18.0"}}',
    "web/server.js": """const express = require("express");
const { helper } = require("./util");

const app = express();

/**
 * Start the HTTP server.
 */
function start(port) {
  app.listen(port);
}

app.get("/api/items", listItems);
app.post("/api/items", (req, res) => res.send(helper()));
""",
    "web/util.js": """/** Help with things. */
export function helper() {
  return 1;
}

export const listItems = (req, res) => res.json([]);
""",
    "web/node_modules/lib/index.js": "function vendored() {}\n",
    "web/types.ts": """import { helper } from "./util";

/** A user of the shop. */
export interface User {
  id: number;
}

export enum Role { Admin, Guest }

export class Account {
  /** The owner's name. */
  owner(): string {
    return String(helper());
  }
}
""",
    "web/App.tsx": """import { Account } from "./types";

/** The root component. */
export function App() {
  return <div>{new Account().owner()}</div>;
}
""",
    "go.mod": "module example.com/shop\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n",
    "cmd/main.go": """package main

import (
	"example.com/shop/store"
	"github.com/gin-gonic/gin"
)

// main starts the Gin server.
func main() {
	r := gin.Default()
	r.GET("/ping", ping)
	r.POST("/orders", store.Create)
	r.Run()
}

func ping(c *gin.Context) {}
""",
    "store/store.go": """package store

// Store keeps orders.
type Store struct {
	items []string
}

// Add adds an order.
func (s *Store) Add(item string) {
	s.items = append(s.items, item)
}

func Create() {}
""",
    "Cargo.toml": '[package]\nname = "shopd"\nversion = "0.3.0"\n\n[dependencies]\naxum = "0.7"\n',
    "src/main.rs": """use crate::handlers::list;
use axum::{routing::get, Router};

mod handlers;

/// Build the router.
fn app() -> Router {
    Router::new()
        .route("/items", get(list).post(handlers::create))
}
""",
    "src/handlers.rs": """/// An item for sale.
#[derive(Debug)]
pub struct Item {
    pub name: String,
}

impl Item {
    /// A new item.
    pub fn new(name: String) -> Self {
        Item { name }
    }
}

pub async fn list() {}
pub async fn create() {}
""",
    "java/pom.xml": """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <artifactId>shop-java</artifactId>
  <version>2.0.0</version>
  <dependencies>
    <dependency><groupId>org.springframework</groupId><artifactId>spring-web</artifactId>
      <version>6.1.0</version></dependency>
  </dependencies>
</project>""",
    "java/src/com/shop/OrderController.java": """package com.shop;

import com.shop.OrderService;

/**
 * Orders over HTTP.
 */
@RestController
@RequestMapping("/api")
public class OrderController {
    /** List the orders. */
    @GetMapping("/orders")
    public String list() {
        return new OrderService().all();
    }

    @RequestMapping(value = "/orders", method = RequestMethod.DELETE)
    public void clear() {}
}
""",
    "java/src/com/shop/OrderService.java": """package com.shop;

public class OrderService {
    public String all() { return ""; }
}
""",
    "native/util.h": """/* Add two numbers. */
int add(int a, int b);

struct point {
    int x;
};
""",
    "native/util.c": """#include "util.h"
#include <stdio.h>

/* Add two numbers. */
int add(int a, int b) {
    return a + b;
}
""",
    "native/shape.cpp": """#include "util.h"

namespace geo {
// A shape with an area.
class Shape {
  public:
    double area();
};

double Shape::area() { return add(1, 2); }
}
""",
    "docs/readme.md": "# Shop\n",
}

BINARY = {"assets/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))}


def make_repo(root: Path) -> Path:
    for rel, content in FILES.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    for rel, data in BINARY.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root
